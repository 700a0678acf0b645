"""Helpers for verification's end-to-end tests: reviewer accounts made with the real CLI,
applications submitted through intake (or published as intake would), and the cases they become."""

import httpx
import pytest

from eventkit.envelope import encode
from eventkit.kafka import make_producer
from eventkit.mongo import get_database
from eventkit.topics import INTAKE_EVENTS
from support.intake import client_from_own_address, submitted_event, valid_application
from support.verification import PASSWORD, create_reviewer

@pytest.fixture(scope="session")
def reviewer_token(stack):
    """reviewer_token(role) -> a bearer token of a new account with that role (made once per role)."""
    tokens = {}

    def token(role: str = "reviewer") -> str:
        if role not in tokens:
            username = create_reviewer(role)
            response = httpx.post(stack.url("verification", "/api/v1/auth/token"),
                                  json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            tokens[role] = (response.json()["access_token"], username)
        return tokens[role][0]
    return token


@pytest.fixture
def api(stack, reviewer_token):
    """An HTTP client to verification, signed in as a reviewer."""
    with httpx.Client(base_url=stack.url("verification"), timeout=15,
                      headers={"Authorization": f"Bearer {reviewer_token('reviewer')}"}) as client:
        yield client


@pytest.fixture
def cases(stack):
    return get_database(stack.servers.mongodb_uri, "verification")["cases"]


@pytest.fixture
def apply(stack):
    """apply(**fields) -> (application_id, access token): a submission through intake's API."""
    with client_from_own_address(stack.url("intake")) as client:
        def submit(**overrides):
            response = client.post("/api/v1/applications", json=valid_application(**overrides))
            assert response.status_code == 202, response.text
            return response.json()["application_id"], response.json()["access_token"]
        yield submit


@pytest.fixture
def publish_application(stack):
    """publish_application(**fields) -> the ApplicationSubmitted event, sent straight to intake.events
    (for data intake itself would refuse, to show verification checks it independently)."""
    producer = make_producer(stack.servers.kafka, "test-intake")

    def publish(event=None, **overrides):
        event = event or submitted_event(**overrides)
        producer.send(INTAKE_EVENTS, key=event["key"].encode(), value=encode(event)).get(timeout=15)
        return event
    yield publish
    producer.close(timeout=10)


@pytest.fixture
def settled(cases, wait_for):
    """settled(application_id) -> the case once the automated checks have decided it."""
    def wait(application_id: str, timeout: float = 30) -> dict:
        return wait_for(lambda: (c := cases.find_one({"_id": application_id})) and c["state"] != "checking" and c,
                        timeout=timeout, message=f"case {application_id} decided")
    return wait
