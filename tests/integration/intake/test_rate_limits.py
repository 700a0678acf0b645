"""servicekit's rate limiter on the real MongoDB-protocol server: hits from many threads at once, on a window
that does not exist yet, are all counted (DocumentDB loses racing bare-`_id` upserts; eventkit.upserts' form
does not), and the counters carry the expiry the TTL index (servicekit.rate_limit.INDEXES) deletes them by."""
import datetime as dt
import threading
import time

from eventkit.indexes import ensure_indexes
from servicekit.rate_limit import COLLECTION, INDEXES, RateLimiter

THREADS, HITS_EACH = 8, 10
WINDOW = 86_400


def window_ahead() -> int:
    """The start of a day-long window that ends at least a minute from now (so the TTL purge leaves it alone)."""
    start = int(time.time() // WINDOW * WINDOW)
    return start if start + WINDOW - time.time() > 60 else start + WINDOW


def test_concurrent_hits_are_all_counted(database):
    ensure_indexes(database, INDEXES)
    limiter = RateLimiter(database[COLLECTION], "submit", limit=THREADS * HITS_EACH, window_seconds=WINDOW)
    window_start = window_ahead()
    refused, start = [], threading.Barrier(THREADS)

    def hit():
        start.wait()
        for n in range(HITS_EACH):
            if limiter.hit("10.0.0.1", now=window_start + n) is not None:
                refused.append(n)
    threads = [threading.Thread(target=hit) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (counter,) = database[COLLECTION].find()
    assert counter["count"] == THREADS * HITS_EACH and refused == []
    assert counter["expires_at"] == dt.datetime.fromtimestamp(window_start + WINDOW, dt.timezone.utc)
    assert limiter.hit("10.0.0.1", now=window_start + 60) == WINDOW - 60  # the next one is over the limit


def test_the_ttl_index_is_made_on_the_counters(database):
    ensure_indexes(database, INDEXES)
    ttl = [i for i in database[COLLECTION].list_indexes() if "expireAfterSeconds" in i]
    assert [(dict(i["key"]), i["expireAfterSeconds"]) for i in ttl] == [({"expires_at": 1}, 0)]
