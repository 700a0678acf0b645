"""Credentials that let the fuzzer past authentication, so it reaches the code behind it
and not only the 401s."""
import pytest

from support.intake import client_from_own_address, secrets_env
from support.verification import PASSWORD, create_reviewer


@pytest.fixture(scope="session")
def credentials(stack):
    """service -> headers to send: an admin reviewer's token, the notification operator's token, the bank
    sandbox's aggregator key."""
    admin = create_reviewer("admin")
    with client_from_own_address(stack.url("verification")) as client:  # sign-ins are rate-limited per address
        token = client.post("/api/v1/auth/token", json={"username": admin, "password": PASSWORD}).json()["access_token"]
    return {"intake": {}, "directory": {},
            "verification": {"Authorization": f"Bearer {token}"},
            "notification": {"Authorization": f"Bearer {secrets_env()['NOTIFICATION_OPERATOR_TOKEN']}"},
            "payments": {"Authorization": f"Bearer {secrets_env()['SANDBOX_AGGREGATOR_KEY']}"}}
