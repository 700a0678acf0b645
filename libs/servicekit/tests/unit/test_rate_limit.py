"""servicekit.rate_limit's counting, against an in-memory collection that answers upserts as the server does:
fixed windows, the seconds to wait once over the limit, the expiry each counter carries for the TTL index,
and the upsert's filter (eventkit.upserts' form, never a bare `_id`)."""
import datetime as dt

from pymongo import ReturnDocument

from eventkit.upserts import by_id_for_upsert
from servicekit.rate_limit import COLLECTION, INDEXES, RateLimiter


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
