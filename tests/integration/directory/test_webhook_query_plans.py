"""Every query of the watches and webhook deliveries (adapters/webhooks.py) is answered through an index, as the
engine's planner shows it, on populated collections; and the repositories do what their names say on the real
database (a delivery kept once, claimed by one sender at a time)."""
import datetime as dt

import pytest

from directory.adapters.webhooks import INDEXES, DeliveryRepository, WatchRepository
from directory.domain.webhooks import new_delivery
from eventkit.indexes import ensure_indexes
from support.explain import assert_uses_index

T0 = dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone.utc)
KEYS = [f"key{k:02d}" for k in range(20)]


def number(n: int) -> str:
    return f"PSEB-2026-{n:06d}-A"


@pytest.fixture
def repositories(database):
    ensure_indexes(database, INDEXES)
    watches, deliveries = WatchRepository(database), DeliveryRepository(database)
    for k, key_id in enumerate(KEYS):
        watches.add_all(key_id, [number(n) for n in range(k * 10, k * 10 + 30)], T0)
        for n in range(10):
            change = {"type": "registration.revoked", "occurred_at": "2026-06-01T00:00:00Z",
                      "data": {"registration_number": number(n)}}
            deliveries.add_unless_present(new_delivery(key_id, f"event-{n}", change, T0 + dt.timedelta(minutes=n)))
    return watches, deliveries


def test_watch_lookups_use_their_indexes(repositories):
    watches, _ = repositories
    assert_uses_index(watches.watches, {"number": number(15)}, index="number_1")  # watchers_of: a change fans out
    assert_uses_index(watches.watches, {"key_id": "key03", "number": {"$gt": number(40)}}, sort=[("number", 1)],
                      limit=100, index="key_id_1_number_1")  # numbers_of: a partner's page of watches
    assert_uses_index(watches.watches, {"_id": "key03:" + number(35)}, index="_id_")  # remove
    assert {w["key_id"] for w in watches.watchers_of(number(25))} == {"key00", "key01", "key02"}
    assert [w["number"] for w in watches.numbers_of("key03", number(45), 3)] == [number(46), number(47), number(48)]
    assert watches.add_all("key03", [number(30), number(99_999)], T0) == 1  # one was watched already


def test_delivery_queries_use_their_indexes(repositories):
    _, deliveries = repositories
    assert_uses_index(deliveries.deliveries, {"status": "pending", "next_attempt_at": {"$lte": T0}},
                      sort=[("next_attempt_at", 1)], limit=1, index="status_1_next_attempt_at_1")  # claim_due
    assert_uses_index(deliveries.deliveries, {"key_id": "key05", "created_at": {"$lt": T0}},
                      sort=[("created_at", -1)], limit=50, index="key_id_1_created_at_-1")  # log_of
    assert_uses_index(deliveries.deliveries, {"key_id": "key05", "type": "webhook.test", "status": "pending"},
                      index="key_id_1_created_at_-1")  # pending_of_type


def test_a_delivery_is_kept_once_and_claimed_by_one_sender_at_a_time(repositories):
    _, deliveries = repositories
    change = {"type": "registration.expired", "occurred_at": "2026-06-01T00:00:00Z", "data": {}}
    assert deliveries.add_unless_present(new_delivery("key01", "event-x", change, T0)) is True
    assert deliveries.add_unless_present(new_delivery("key01", "event-x", change, T0)) is False
    due_at = T0 + dt.timedelta(hours=1)
    claimed = [deliveries.claim_due(due_at, dt.timedelta(minutes=1), f"c{n}") for n in range(len(KEYS) * 10 + 2)]
    assert claimed[-1] is None and len({c["_id"] for c in claimed[:-1]}) == len(KEYS) * 10 + 1
    again = deliveries.claim_due(due_at + dt.timedelta(minutes=2), dt.timedelta(minutes=1), "later")  # lease over
    deliveries.record_delivered(again["_id"], "an-earlier-claim", {"at": 1})
    assert deliveries.deliveries.find_one({"_id": again["_id"]})["status"] == "pending"  # a stale claim records nothing
    deliveries.record_delivered(again["_id"], "later", {"at": 2})
    assert deliveries.deliveries.find_one({"_id": again["_id"]})["status"] == "delivered"
