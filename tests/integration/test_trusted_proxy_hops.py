"""TRUSTED_PROXY_HOPS on a real service app: verification's `create_app` with its limits counted in a
real MongoDB-protocol database (a database of its own per test). The sign-in limit is 20 per 5 minutes."""
import base64
import time

import pytest

LOGIN_LIMIT = 20
WINDOW = 300  # the limit's fixed window, in seconds
KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def verification_app(servers, database):
    """verification_app(hops) -> a test client of verification's real app, counting in `database`.
    Waits, if need be, so a test's sign-ins fall in one fixed window (one closing midway resets the count)."""
    left = WINDOW - time.time() % WINDOW
    if left < 30:
        time.sleep(left + 0.5)
    from verification.entrypoints.app import create_app

    def build(hops: int):
        app = create_app({"TESTING": True, "SETTINGS": {
            "trusted_proxy_hops": hops, "mongodb_uri": servers.mongodb_uri, "mongodb_database": database.name,
            "event_pii_key": KEY, "index_key": KEY, "secret_key": "test-secret"}})
        return app.test_client()
    return build


def sign_in(client, forwarded_for: str | None = None, peer: str = "10.1.2.3") -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong"}, headers=headers,
                       environ_base={"REMOTE_ADDR": peer}).status_code


def test_with_no_trusted_proxy_a_spoofed_forwarded_for_does_not_escape_the_limit(verification_app, database):
    client = verification_app(0)
    codes = [sign_in(client, forwarded_for=f"198.51.100.{i}") for i in range(LOGIN_LIMIT + 2)]
    assert codes[:LOGIN_LIMIT] == [401] * LOGIN_LIMIT
    assert codes[LOGIN_LIMIT:] == [429, 429]
    assert {c["_id"].split(":")[1] for c in database["rate_limits"].find()} == {"10.1.2.3"}


def test_behind_one_proxy_two_forwarded_clients_get_separate_limits(verification_app, database):
    client = verification_app(1)
    first = [sign_in(client, forwarded_for="6.6.6.6, 203.0.113.1") for _ in range(LOGIN_LIMIT + 1)]
    assert first[-1] == 429 and first[:LOGIN_LIMIT] == [401] * LOGIN_LIMIT
    # Another client behind the same proxy (same peer address) still has its whole allowance,
    # and what the first client wrote to the left of the proxy's entry does not reset its own.
    assert sign_in(client, forwarded_for="203.0.113.2") == 401
    assert sign_in(client, forwarded_for="1.1.1.1, 203.0.113.1") == 429
    assert {c["_id"].split(":")[1] for c in database["rate_limits"].find()} == {"203.0.113.1", "203.0.113.2"}
