"""Helpers for notification's end-to-end tests: what reached the SMTP server's mailbox."""
import httpx
import pytest

from eventkit.mongo import get_database
from support.intake import secrets_env, valid_application


@pytest.fixture
def apply(stack):
    """apply(**fields) -> (application_id, the data sent), through intake's API."""
    def submit(**overrides):
        data = valid_application(**overrides)
        response = httpx.post(stack.url("intake", "/api/v1/applications"), json=data, timeout=15)
        assert response.status_code == 202, response.text
        return response.json()["application_id"], data
    return submit


@pytest.fixture
def deliveries(stack):
    return get_database(stack.servers.mongodb_uri, "notification")["notifications"]


@pytest.fixture
def operator():
    return {"Authorization": f"Bearer {secrets_env()['NOTIFICATION_OPERATOR_TOKEN']}"}
