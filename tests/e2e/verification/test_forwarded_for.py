"""The running service trusts no proxy (TRUSTED_PROXY_HOPS=0, the local stack's setting): a client that
sends a different X-Forwarded-For with every request is still one client to the rate limits."""
import time

from support.intake import client_from_own_address

LOGIN_LIMIT = 20  # sign-ins per client address per 5 minutes
WINDOW = 300  # the limit's fixed window, in seconds


def start_of_a_fresh_window(margin: float = 30) -> None:
    """Wait, if need be, so the requests below fall in one fixed window (a window that closed
    midway would reset the count, and the last request would pass for the wrong reason)."""
    left = WINDOW - time.time() % WINDOW
    if left < margin:
        time.sleep(left + 0.5)


def test_a_spoofed_forwarded_for_does_not_escape_the_sign_in_limit(stack):
    start_of_a_fresh_window()
    with client_from_own_address(stack.url("verification")) as client:
        codes = [client.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong"},
                             headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
                 for i in range(LOGIN_LIMIT + 1)]
    assert codes[:LOGIN_LIMIT] == [401] * LOGIN_LIMIT and codes[LOGIN_LIMIT] == 429
