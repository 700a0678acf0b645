"""Per-client rate limits shared by all of a service's workers, counted in its database.

Fixed windows: one counter document per (bucket, client, window), incremented atomically in
one round trip (an upsert through eventkit.upserts.upsert_by_id: DocumentDB loses racing
upserts filtered by a bare `_id`, so two requests opening a window at once would count once).
The client is `client_address()`: the connection's peer, or with TRUSTED_PROXY_HOPS > 0 the
address X-Forwarded-For names that many hops from the right (servicekit.web applies werkzeug's
ProxyFix), so a client cannot pick its own key by sending the header.

A counter carries `expires_at`, the end of its window; the TTL index in INDEXES has the server
delete it after that (DocumentDB's purge runs about once a minute, MongoDB's about as often).
Each service that installs rate limits lists INDEXES in its `adapters/indexes.py`.
"""
import datetime as dt
import functools
import time

from flask import current_app, request
from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from werkzeug.exceptions import TooManyRequests

from eventkit.upserts import upsert_by_id

COLLECTION = "rate_limits"
INDEXES = {COLLECTION: [IndexModel([("expires_at", ASCENDING)], name="expires_at_ttl", expireAfterSeconds=0)]}
"""The counters' TTL index: a service's `adapters/indexes.py` includes it (`{**rate_limit.INDEXES, ...}`)."""


class RateLimiter:
    def __init__(self, collection: Collection, bucket: str, limit: int, window_seconds: int):
        self.collection, self.bucket = collection, bucket
        self.limit, self.window = limit, window_seconds

    def hit(self, client: str, now: float | None = None) -> int | None:
        """Count one request; None when allowed, else the seconds until the window resets."""
        now = time.time() if now is None else now
        window_start = int(now // self.window * self.window)
        window_end = window_start + self.window
        counter = upsert_by_id(
            self.collection, f"{self.bucket}:{client}:{window_start}",
            {"$inc": {"count": 1},
             "$setOnInsert": {"expires_at": dt.datetime.fromtimestamp(window_end, dt.timezone.utc)}},
            return_after=True)
        if counter["count"] <= self.limit:
            return None
        return max(1, int(window_end - now))


def client_address() -> str:
    """Who the request counts against: `request.remote_addr` as the app base set it (see servicekit.web)."""
    return request.remote_addr or "unknown"


def rate_limited(bucket: str):
    """Limit a view per client address; the app supplies `limiter_for(bucket)` in its extensions."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            limiter = current_app.extensions["rate_limiters"](bucket)
            retry_after = limiter.hit(client_address())
            if retry_after is not None:
                raise TooManyRequests("Too many requests from your address; try again later.", retry_after=retry_after)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def install_rate_limits(app, database_getter, limits: dict[str, tuple[int, int]]) -> None:
    """Give `app` its limits: bucket → (requests, window seconds), counted in the service's database
    (whose TTL index, INDEXES, the service creates at start).

    `database_getter` is called per request so the database client is made after fork."""
    def limiter_for(bucket: str) -> RateLimiter:
        limit, window = limits[bucket]
        return RateLimiter(database_getter()[COLLECTION], bucket, limit, window)

    app.extensions["rate_limiters"] = limiter_for
