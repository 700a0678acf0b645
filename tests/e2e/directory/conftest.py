"""Helpers for the directory's end-to-end tests: freelancers approved through the real pipeline,
and decisions published as verification would."""
import httpx
import pytest

from eventkit.envelope import encode, new_event
from eventkit.kafka import make_producer
from eventkit.mongo import get_database
from eventkit.topics import VERIFICATION_EVENTS
from support.intake import client_from_own_address, valid_application

@pytest.fixture
def approve(stack, bank, wait_for):
    """approve(**fields) -> the registration number of an application approved through the real pipeline:
    approved in principle by the checks, its fee paid through the bank, registered."""
    cases = get_database(stack.servers.mongodb_uri, "verification")["cases"]

    def submit(**overrides):
        with client_from_own_address(stack.url("intake")) as client:
            response = client.post("/api/v1/applications", json=valid_application(**overrides))
        assert response.status_code == 202, response.text
        application_id = response.json()["application_id"]
        bank.pay_for(application_id)
        case = wait_for(lambda: (c := cases.find_one({"_id": application_id})) and c["state"] == "approved" and c,
                        message="approval")
        number = case["decision"]["registration_number"]
        wait_for(lambda: httpx.get(stack.url("directory", f"/api/v1/verify/{number}")).json()["status"] != "unknown",
                 message="the directory to project the approval")
        return number
    return submit


@pytest.fixture
def publish_decision(stack):
    """publish_decision(event_type, key, payload) -> the event, sent as verification would."""
    producer = make_producer(stack.servers.kafka, "test-verification")

    def publish(event_type: str, key: str, payload: dict, event: dict | None = None) -> dict:
        event = event or new_event(event_type, key, payload, source="verification")
        producer.send(VERIFICATION_EVENTS, key=key.encode(), value=encode(event)).get(timeout=15)
        return event
    yield publish
    producer.close(timeout=10)
