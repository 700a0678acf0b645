"""servicekit.rate_limit's counting, against an in-memory collection that answers upserts as the server does:
fixed windows, the seconds to wait once over the limit, the expiry each counter carries for the TTL index,
the upsert's filter (eventkit.upserts' form, never a bare `_id`), and deferred first hits: no round trip,
written in one bulk write, added to the next exact count, kept when a write fails."""
import datetime as dt

import flask
import pytest
from pymongo import ReturnDocument
from pymongo.errors import AutoReconnect

from eventkit.upserts import by_id_for_upsert
from servicekit.rate_limit import COLLECTION, INDEXES, DeferredHits, Limit, RateLimiter, install_rate_limits


class UpsertingCollection:
    """find_one_and_update with $inc and $setOnInsert on an upsert by id, in memory; records the filters."""

    def __init__(self):
        self.documents, self.filters = {}, []

    def find_one_and_update(self, filter_, update, upsert, return_document, session=None):
        assert upsert and return_document == ReturnDocument.AFTER
        self.filters.append(filter_)
        document_id = filter_["$and"][0]["_id"]
        document = self.documents.get(document_id)
        if document is None:
            document = self.documents[document_id] = {"_id": document_id, **update.get("$setOnInsert", {})}
        for field, step in update["$inc"].items():
            document[field] = document.get(field, 0) + step
        return dict(document)

    def bulk_write(self, requests, ordered):
        assert not ordered
        self.bulk_writes = getattr(self, "bulk_writes", 0) + 1
        for op in requests:
            self.find_one_and_update(op._filter, op._doc, upsert=op._upsert, return_document=ReturnDocument.AFTER)

    def count(self, counter_id):
        return self.documents.get(counter_id, {}).get("count", 0)


class UnreachableCollection(UpsertingCollection):
    def bulk_write(self, requests, ordered):
        raise AutoReconnect("connection refused")


WINDOW_START = 1_699_999_200  # a multiple of 60 and 3600


def test_allows_up_to_the_limit_then_says_how_long_to_wait():
    limiter = RateLimiter(UpsertingCollection(), "submit", limit=3, window_seconds=60)
    assert [limiter.hit("10.0.0.1", now=WINDOW_START + 5 + n) for n in range(3)] == [None, None, None]
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 20) == 40
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 59.5) == 1  # never 0: the client waits at least a second


def test_clients_and_buckets_count_apart():
    collection = UpsertingCollection()
    submit = RateLimiter(collection, "submit", limit=1, window_seconds=60)
    status = RateLimiter(collection, "status", limit=1, window_seconds=60)
    assert submit.hit("10.0.0.1", now=WINDOW_START) is None
    assert submit.hit("10.0.0.2", now=WINDOW_START) is None
    assert status.hit("10.0.0.1", now=WINDOW_START) is None
    assert submit.hit("10.0.0.1", now=WINDOW_START + 1) is not None


def test_a_new_window_starts_from_zero_and_each_counter_expires_at_its_window_end():
    collection = UpsertingCollection()
    limiter = RateLimiter(collection, "submit", limit=1, window_seconds=3600)
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 10) is None
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 3599) is not None
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 3600) is None
    expiries = sorted(d["expires_at"] for d in collection.documents.values())
    assert expiries == [dt.datetime.fromtimestamp(WINDOW_START + 3600 * n, dt.timezone.utc) for n in (1, 2)]


def test_the_counter_upsert_never_filters_by_a_bare_id():
    collection = UpsertingCollection()
    RateLimiter(collection, "submit", limit=5, window_seconds=60).hit("10.0.0.1", now=WINDOW_START)
    assert collection.filters == [by_id_for_upsert(f"submit:10.0.0.1:{WINDOW_START}")]


def test_old_windows_expire_through_a_ttl_index_on_expires_at():
    (index,) = INDEXES[COLLECTION]
    assert index.document["key"] == {"expires_at": 1} and index.document["expireAfterSeconds"] == 0


def deferred_limiter(collection, limit=3, window=60, remembered=1000):
    deferred = DeferredHits(collection, flush_seconds=3600, remembered=remembered)  # flushed by hand below
    return RateLimiter(collection, "submit", limit=limit, window_seconds=window, deferred=deferred), deferred


def test_a_first_hit_is_allowed_without_a_round_trip_and_written_with_the_others_in_one_bulk_write():
    collection = UpsertingCollection()
    limiter, deferred = deferred_limiter(collection)
    assert [limiter.hit(f"10.0.0.{n}", now=WINDOW_START) for n in range(5)] == [None] * 5
    assert collection.filters == [] and deferred.pending() == 5
    deferred.flush()
    assert collection.bulk_writes == 1 and deferred.pending() == 0
    assert [collection.count(f"submit:10.0.0.{n}:{WINDOW_START}") for n in range(5)] == [1] * 5
    assert collection.filters == [by_id_for_upsert(f"submit:10.0.0.{n}:{WINDOW_START}") for n in range(5)]
    expiry = dt.datetime.fromtimestamp(WINDOW_START + 60, dt.timezone.utc)
    assert {d["expires_at"] for d in collection.documents.values()} == {expiry}


def test_later_hits_count_exactly_and_include_the_first_hit_not_yet_written():
    collection = UpsertingCollection()
    limiter, deferred = deferred_limiter(collection, limit=3)
    assert [limiter.hit("10.0.0.1", now=WINDOW_START + n) for n in range(3)] == [None, None, None]
    assert collection.count(f"submit:10.0.0.1:{WINDOW_START}") == 3 and deferred.pending() == 0
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 20) == 40
    deferred.flush()
    assert collection.count(f"submit:10.0.0.1:{WINDOW_START}") == 4  # nothing counted twice


def test_hits_of_other_processes_are_seen_by_the_exact_counts():
    collection = UpsertingCollection()
    first, first_deferred = deferred_limiter(collection, limit=3)
    second, second_deferred = deferred_limiter(collection, limit=3)  # another web process, same database
    assert first.hit("10.0.0.1", now=WINDOW_START) is None
    assert second.hit("10.0.0.1", now=WINDOW_START) is None
    first_deferred.flush(), second_deferred.flush()
    assert first.hit("10.0.0.1", now=WINDOW_START + 1) is None  # the third
    assert second.hit("10.0.0.1", now=WINDOW_START + 2) == 58


def test_a_client_gets_at_most_one_request_past_the_limit_per_process_per_window():
    collection = UpsertingCollection()
    processes = [deferred_limiter(collection, limit=2)[0] for _ in range(3)]
    allowed = [p.hit("10.0.0.1", now=WINDOW_START + n) is None for n in range(4) for p in processes]
    assert sum(allowed) <= 2 + len(processes)


def test_a_forgotten_counter_costs_one_more_deferred_hit_and_no_more():
    collection = UpsertingCollection()
    limiter, deferred = deferred_limiter(collection, limit=1, remembered=2)
    assert limiter.hit("10.0.0.1", now=WINDOW_START) is None
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 1) is not None
    limiter.hit("10.0.0.2", now=WINDOW_START), limiter.hit("10.0.0.3", now=WINDOW_START)  # 10.0.0.1 forgotten
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 2) is None
    assert limiter.hit("10.0.0.1", now=WINDOW_START + 3) is not None
    deferred.flush()
    assert collection.count(f"submit:10.0.0.1:{WINDOW_START}") == 4


def test_a_limit_of_zero_refuses_even_a_first_hit():
    collection = UpsertingCollection()
    limiter, deferred = deferred_limiter(collection, limit=0)
    assert limiter.hit("10.0.0.1", now=WINDOW_START) == 60
    assert deferred.pending() == 0 and collection.count(f"submit:10.0.0.1:{WINDOW_START}") == 1


def test_hits_a_failed_write_could_not_store_are_kept_for_the_next():
    deferred = DeferredHits(UnreachableCollection(), flush_seconds=3600)
    limiter = RateLimiter(deferred.collection, "submit", limit=3, window_seconds=60, deferred=deferred)
    limiter.hit("10.0.0.1", now=WINDOW_START), limiter.hit("10.0.0.2", now=WINDOW_START)
    deferred.flush()
    assert deferred.pending() == 2
    working = UpsertingCollection()
    deferred.collection = working
    deferred.flush()
    assert deferred.pending() == 0 and working.count(f"submit:10.0.0.2:{WINDOW_START}") == 1


@pytest.mark.parametrize("first_hit_deferred", [False, True])
def test_the_app_makes_its_limiters_once_per_process(first_hit_deferred):
    app, collection = flask.Flask("t"), UpsertingCollection()
    install_rate_limits(app, lambda: {COLLECTION: collection}, {"submit": Limit(5, 60, first_hit_deferred)})
    limiter_for = app.extensions["rate_limiters"]
    assert limiter_for("submit") is limiter_for("submit")
    assert (limiter_for("submit").deferred is not None) == first_hit_deferred
