"""Per-client rate limits shared by all of a service's workers, counted in its database.

Fixed windows: one counter document per (bucket, client, window). The client is
`client_address()`: the connection's peer, or with TRUSTED_PROXY_HOPS > 0 the address
X-Forwarded-For names that many hops from the right (servicekit.web applies werkzeug's ProxyFix),
so a client cannot pick its own key by sending the header.

A hit is counted one of two ways, chosen per limit (`Limit`):

- **exact** (the default; sign-in): every hit is one round trip, an atomic upsert that returns
  the count (eventkit.upserts.upsert_by_id: DocumentDB loses racing upserts filtered by a bare
  `_id`). No client gets past the limit, however many processes serve it.
- **first hit deferred** (submissions, lookups): a process lets a client's first request of a
  window through without waiting on the database (a limit is at least 1), and writes that hit
  with the others it deferred in one bulk write a moment later (`DeferredHits`). Each later
  request of that client in that process counts exactly, adding its deferred hit if still
  unwritten. Most clients of a public form send one request per window, so most requests save a
  round trip: without it intake's submission (one more write, at the same cost as the
  application's own) took half again as long. The price, by design: until deferred hits are
  written a process cannot see the others' first hits, so a client can get one request per web
  process past its limit in a window (and one more whenever a process has forgotten it: each
  remembers the last REMEMBERED counters it saw).

A counter carries `expires_at`, the end of its window; the TTL index in INDEXES has the server
delete it after that (DocumentDB's purge runs about once a minute, MongoDB's about as often).
Each service that installs rate limits lists INDEXES in its `adapters/indexes.py`.
"""
import atexit
import collections
import dataclasses
import datetime as dt
import functools
import logging
import os
import threading
import time

from flask import current_app, request
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, PyMongoError
from werkzeug.exceptions import TooManyRequests

from eventkit.upserts import by_id_for_upsert, upsert_by_id

COLLECTION = "rate_limits"
INDEXES = {COLLECTION: [IndexModel([("expires_at", ASCENDING)], name="expires_at_ttl", expireAfterSeconds=0)]}
"""The counters' TTL index: a service's `adapters/indexes.py` includes it (`{**rate_limit.INDEXES, ...}`)."""

FLUSH_SECONDS = 0.25  # how long a deferred hit waits, at most, before it is written
REMEMBERED = 50_000  # counters a process remembers having seen (about 150 bytes each)
_WRITE_ATTEMPTS = 3  # a duplicate key can only happen once per racing insert (see eventkit.upserts)
_DUPLICATE_KEY = 11000

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Limit:
    """`requests` per client per fixed window of `window_seconds`; `first_hit_deferred` as the module says."""
    requests: int
    window_seconds: int
    first_hit_deferred: bool = False


def _increment(count: int, expires_at: dt.datetime) -> dict:
    return {"$inc": {"count": count}, "$setOnInsert": {"expires_at": expires_at}}


class DeferredHits:
    """One process's deferred first hits: counted here, written together in one unordered bulk write by
    a background thread (started with the first deferred hit, so after a fork) at most FLUSH_SECONDS
    later, and at exit. A write that fails keeps its hits for the next one."""

    def __init__(self, collection: Collection, flush_seconds: float = FLUSH_SECONDS, remembered: int = REMEMBERED):
        self.collection, self.flush_seconds, self.remembered = collection, flush_seconds, remembered
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[int, dt.datetime]] = {}
        self._seen: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._writer: threading.Thread | None = None

    def first_in_this_process(self, counter_id: str) -> bool:
        """Whether this process has not seen `counter_id` (as far as it remembers); it has now."""
        with self._lock:
            if counter_id in self._seen:
                self._seen.move_to_end(counter_id)
                return False
            self._seen[counter_id] = None
            if len(self._seen) > self.remembered:
                self._seen.popitem(last=False)
            return True

    def defer(self, counter_id: str, expires_at: dt.datetime) -> None:
        """Count one hit on `counter_id`, to be written with the next bulk write."""
        with self._lock:
            count, _ = self._pending.get(counter_id, (0, expires_at))
            self._pending[counter_id] = (count + 1, expires_at)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_periodically, name="rate-limit-hits", daemon=True)
                self._writer.start()
                atexit.register(self.flush)

    def take(self, counter_id: str) -> int:
        """The hits on `counter_id` not yet written, which the caller now writes itself."""
        with self._lock:
            count, _ = self._pending.pop(counter_id, (0, None))
            return count

    def pending(self) -> int:
        with self._lock:
            return sum(count for count, _ in self._pending.values())

    def flush(self) -> None:
        """Write every deferred hit: one bulk write (a racing insert's duplicate key is retried)."""
        with self._lock:
            batch, self._pending = self._pending, {}
        for attempt in range(_WRITE_ATTEMPTS):
            if not batch:
                return
            ids = list(batch)
            try:
                self.collection.bulk_write(
                    [UpdateOne(by_id_for_upsert(i), _increment(*batch[i]), upsert=True) for i in ids], ordered=False)
                return
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors", [])
                if any(e.get("code") != _DUPLICATE_KEY for e in errors) or attempt == _WRITE_ATTEMPTS - 1:
                    self._keep({ids[e["index"]]: batch[ids[e["index"]]] for e in errors}, exc)
                    return
                batch = {ids[e["index"]]: batch[ids[e["index"]]] for e in errors}
            except PyMongoError as exc:
                self._keep(batch, exc)
                return

    def _keep(self, batch: dict, exc: Exception) -> None:
        log.warning("rate-limit hits not written (%d counters), kept for the next write: %s", len(batch), exc)
        with self._lock:
            for counter_id, (count, expires_at) in batch.items():
                waiting, _ = self._pending.get(counter_id, (0, expires_at))
                self._pending[counter_id] = (waiting + count, expires_at)

    def _write_periodically(self) -> None:
        while True:
            time.sleep(self.flush_seconds)
            try:
                self.flush()
            except Exception:  # the writer must outlive any one failure; the hits stay pending
                log.exception("rate-limit hits: write failed")


class RateLimiter:
    def __init__(self, collection: Collection, bucket: str, limit: int, window_seconds: int,
                 deferred: DeferredHits | None = None):
        self.collection, self.bucket = collection, bucket
        self.limit, self.window = limit, window_seconds
        self.deferred = deferred

    def hit(self, client: str, now: float | None = None) -> int | None:
        """Count one request; None when allowed, else the seconds until the window resets."""
        now = time.time() if now is None else now
        window_start = int(now // self.window * self.window)
        window_end = window_start + self.window
        counter_id = f"{self.bucket}:{client}:{window_start}"
        expires_at = dt.datetime.fromtimestamp(window_end, dt.timezone.utc)
        if self.deferred is not None and self.limit >= 1 and self.deferred.first_in_this_process(counter_id):
            self.deferred.defer(counter_id, expires_at)
            return None
        unwritten = self.deferred.take(counter_id) if self.deferred is not None else 0
        counter = upsert_by_id(self.collection, counter_id, _increment(1 + unwritten, expires_at), return_after=True)
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


def install_rate_limits(app, database_getter, limits: dict[str, Limit]) -> None:
    """Give `app` its limits by bucket, counted in the service's database (whose TTL index, INDEXES,
    the service creates at start).

    The limiters and their deferred hits are made once per process, on its first request, so the
    database client is made after the fork (`database_getter` is called then)."""
    per_process: dict = {"pid": None, "limiters": {}}

    def limiter_for(bucket: str) -> RateLimiter:
        if per_process["pid"] != os.getpid():
            collection = database_getter()[COLLECTION]
            per_process.update(pid=os.getpid(), collection=collection, deferred=DeferredHits(collection), limiters={})
        limiter = per_process["limiters"].get(bucket)
        if limiter is None:
            limit = limits[bucket]
            limiter = per_process["limiters"][bucket] = RateLimiter(
                per_process["collection"], bucket, limit.requests, limit.window_seconds,
                per_process["deferred"] if limit.first_hit_deferred else None)
        return limiter

    app.extensions["rate_limiters"] = limiter_for
