"""Helpers for notification's end-to-end tests: what reached the SMTP server's mailbox."""
import pytest

from eventkit.mongo import get_database
from support.intake import client_from_own_address, secrets_env, valid_application


@pytest.fixture
def apply(stack):
    """apply(**fields) -> (application_id, the data sent), through intake's API."""
    with client_from_own_address(stack.url("intake")) as client:
        def submit(**overrides):
            data = valid_application(**overrides)
            response = client.post("/api/v1/applications", json=data)
            assert response.status_code == 202, response.text
            return response.json()["application_id"], data
        yield submit


@pytest.fixture
def deliveries(stack):
    return get_database(stack.servers.mongodb_uri, "notification")["notifications"]


@pytest.fixture
def operator():
    return {"Authorization": f"Bearer {secrets_env()['NOTIFICATION_OPERATOR_TOKEN']}"}
