"""Helpers for intake's end-to-end tests: valid applications, clients from their own loopback
address (rate limits count per address), and what the running stack stores and publishes."""
import pytest

from eventkit.mongo import get_database
from eventkit.topics import INTAKE_EVENTS
from support.intake import client_from_own_address, valid_application
from support.kafka import SESSION_STARTED_MS, read_messages


@pytest.fixture
def client(stack):
    """An HTTP client to intake from a loopback address of its own (127.x.y.z)."""
    with client_from_own_address(stack.url("intake")) as c:
        yield c


@pytest.fixture
def submit(client):
    """submit(**overrides) -> (application_id, access_token, the data sent).

    By default the application says Sindh while its CNIC was issued in Punjab, so the running
    verification service flags it for review and it stays open (amendable, withdrawable)
    instead of being approved within a moment of submission."""
    def do(**overrides):
        data = valid_application(**{"province": "Sindh", "city": "Karachi", **overrides})
        response = client.post("/api/v1/applications", json=data)
        assert response.status_code == 202, response.text
        body = response.json()
        return body["application_id"], body["access_token"], data
    return do


@pytest.fixture
def intake_db(stack):
    return get_database(stack.servers.mongodb_uri, "intake")


@pytest.fixture
def published(stack):
    """published(application_id, n) -> the first n distinct events (by event id) on intake.events for
    that application, in order. The relay may send an event twice (at least once); consumers deduplicate."""
    def read(application_id: str, count: int = 1, timeout_s: float = 30.0) -> list:
        seen = set()

        def first_of_its_event(message) -> bool:
            event_id = dict(message.headers).get("event_id")
            if message.key != application_id.encode() or event_id in seen:
                return False
            seen.add(event_id)
            return True
        return read_messages(stack.servers.kafka, INTAKE_EVENTS, count, first_of_its_event, timeout_s,
                             since_ms=SESSION_STARTED_MS)
    return read
