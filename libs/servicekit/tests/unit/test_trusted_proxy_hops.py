"""TRUSTED_PROXY_HOPS: which address a request counts against (rate limits, logs)."""
import pytest
from flask import jsonify

from servicekit.config import BaseConfig
from servicekit.rate_limit import client_address, rate_limited

PEER = "10.9.9.9"


class CountingLimiter:
    """In memory: allows `limit` hits per client."""

    def __init__(self, limit: int):
        self.limit, self.counts = limit, {}

    def hit(self, client: str):
        self.counts[client] = self.counts.get(client, 0) + 1
        return None if self.counts[client] <= self.limit else 60


def app_with_hops(hops: int, limit: int = 2):
    from servicekit.web import create_service_app

    config = BaseConfig.from_env({"TRUSTED_PROXY_HOPS": str(hops)})
    app, _ = create_service_app("example", config, title="Example", description="d", test_config={"TESTING": True})
    limiter = CountingLimiter(limit)
    app.extensions["rate_limiters"] = lambda bucket: limiter

    @app.get("/whoami")
    def whoami():
        return jsonify(client=client_address())

    @app.get("/limited")
    @rate_limited("example")
    def limited():
        return jsonify(client=client_address())

    return app.test_client(), limiter


def client_seen(hops: int, forwarded_for: str | None) -> str:
    client, _ = app_with_hops(hops)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return client.get("/whoami", headers=headers, environ_base={"REMOTE_ADDR": PEER}).json["client"]


@pytest.mark.parametrize("hops,forwarded_for,expected", [
    (0, None, PEER),
    (0, "203.0.113.7", PEER),                           # no proxy trusted: the header is the client's word
    (0, "203.0.113.7, 198.51.100.1", PEER),
    (1, None, PEER),                                    # no header: the peer
    (1, "203.0.113.7", "203.0.113.7"),                  # one proxy: the address it saw
    (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),         # what the client wrote in front is not trusted
    (2, "6.6.6.6, 203.0.113.7, 198.51.100.1", "203.0.113.7"),
    (2, "203.0.113.7", PEER),                           # fewer entries than trusted hops: the peer
])
def test_client_is_the_forwarded_address_at_the_trusted_hop(hops, forwarded_for, expected):
    assert client_seen(hops, forwarded_for) == expected


def test_negative_hops_are_refused():
    with pytest.raises(ValueError, match="TRUSTED_PROXY_HOPS"):
        app_with_hops(-1)


def test_without_trusted_proxies_a_spoofed_header_does_not_escape_the_limit():
    client, limiter = app_with_hops(0, limit=2)
    codes = [client.get("/limited", headers={"X-Forwarded-For": f"203.0.113.{i}"},
                        environ_base={"REMOTE_ADDR": PEER}).status_code for i in range(4)]
    assert codes == [200, 200, 429, 429]
    assert set(limiter.counts) == {PEER}


def test_behind_one_proxy_forwarded_clients_are_limited_separately():
    client, limiter = app_with_hops(1, limit=2)

    def get(address: str) -> int:
        return client.get("/limited", headers={"X-Forwarded-For": f"6.6.6.6, {address}"},
                          environ_base={"REMOTE_ADDR": PEER}).status_code

    assert [get("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert [get("203.0.113.2") for _ in range(2)] == [200, 200]
    assert set(limiter.counts) == {"203.0.113.1", "203.0.113.2"}
