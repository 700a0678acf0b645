"""servicekit's rate limiter on the real MongoDB-protocol server: hits from many threads at once, on a window
that does not exist yet, are all counted (DocumentDB loses racing bare-`_id` upserts; eventkit.upserts' form
does not), exact or with first hits deferred and written in bulk by several processes at once, and the
counters carry the expiry the TTL index (servicekit.rate_limit.INDEXES) deletes them by."""
import datetime as dt
import threading
import time

from eventkit.indexes import ensure_indexes
from servicekit.rate_limit import COLLECTION, INDEXES, DeferredHits, RateLimiter

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


def test_deferred_first_hits_of_many_processes_are_all_counted(database):
    """Each thread plays a web process with its own deferred hits: one shared client, hit by all of them
    (racing first writes of one counter in several bulk writes), and 50 clients of its own."""
    ensure_indexes(database, INDEXES)
    window_start = window_ahead()
    processes = [DeferredHits(database[COLLECTION], flush_seconds=3600) for _ in range(THREADS)]
    limiters = [RateLimiter(database[COLLECTION], "status", limit=1000, window_seconds=WINDOW, deferred=d)
                for d in processes]
    start = threading.Barrier(THREADS)

    def hit(n):
        for client in range(50):
            assert limiters[n].hit(f"10.{n}.0.{client}", now=window_start) is None
        assert limiters[n].hit("10.9.9.9", now=window_start) is None
        start.wait()
        processes[n].flush()
    threads = [threading.Thread(target=hit, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = {c["_id"]: c["count"] for c in database[COLLECTION].find()}
    assert counts.pop(f"status:10.9.9.9:{window_start}") == THREADS
    assert len(counts) == THREADS * 50 and set(counts.values()) == {1}
    assert all(d.pending() == 0 for d in processes)
    assert limiters[0].hit("10.9.9.9", now=window_start + 1) is None  # exact now: its count is read back
    assert database[COLLECTION].find_one({"_id": f"status:10.9.9.9:{window_start}"})["count"] == THREADS + 1


def test_the_ttl_index_is_made_on_the_counters(database):
    ensure_indexes(database, INDEXES)
    ttl = [i for i in database[COLLECTION].list_indexes() if "expireAfterSeconds" in i]
    assert [(dict(i["key"]), i["expireAfterSeconds"]) for i in ttl] == [({"expires_at": 1}, 0)]
