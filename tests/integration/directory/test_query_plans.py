"""Every query the directory's repositories send is answered through an index (adapters/indexes.py),
as the engine's own planner shows it (support.explain), on a populated collection.

Deliberately whole-collection reads, never on a request path, are not explained here:
`all` and `count` (the operator's rebuild) and `all_for_search` (a web process loading its search
index at start, see entrypoints/search_feed.py).
"""
import pytest

from directory.adapters.indexes import INDEXES
from directory.adapters.listings import META, ListingRepository
from directory.domain.listing import listing_from_approval
from eventkit.indexes import ensure_indexes
from eventkit.upserts import by_id_for_upsert
from support.explain import assert_uses_index

TOPIC = "verification.events"
LISTINGS = 300


def approval(n: int) -> dict:
    return {"event_type": "ApplicationApproved", "occurred_at": f"2026-01-01T00:00:{n % 60:02d}+00:00",
            "key": f"app-{n}",
            "payload": {"registration_number": f"PSEB-2026-{n:06d}-A", "valid_until": "2099-01-01", "listed": True,
                        "profile": {"full_name": f"Name {n}", "city": "Lahore", "province": "Punjab",
                                    "skills": ["python"], "platforms": [], "headline": "Developer"}}}


@pytest.fixture
def listings(database):
    ensure_indexes(database, INDEXES)
    repository = ListingRepository(database)
    repository.store_all_unless_newer([listing_from_approval(approval(n), {"topic": TOPIC, "partition": n % 3,
                                                                           "offset": n // 3})
                                       for n in range(LISTINGS)])
    repository.mark_rebuilt("2026-01-02T00:00:00+00:00")
    return repository


NUMBER = "PSEB-2026-000007-A"


def test_lookups_by_registration_number_use_the_primary_key(listings):
    assert_uses_index(listings.collection, {"_id": NUMBER}, index="_id_")  # get: profiles and verification
    assert_uses_index(listings.collection, {"_id": {"$in": [NUMBER, "PSEB-2026-000008-A"]}},
                      index="_id_")  # get_many: the rebuild's batches


def test_order_safe_writes_find_their_listing_by_the_primary_key(listings):
    # store_unless_newer, mark_unless_newer, store_all_unless_newer (explained as the finds they are)
    assert_uses_index(listings.collection, {"_id": NUMBER, "last_event_at": {"$lte": "2026-02-01"}}, index="_id_")
    assert_uses_index(listings.collection, by_id_for_upsert(NUMBER), index="_id_")  # replace_all (staging)


def test_where_each_partition_stands_uses_the_source_index(listings):
    for partition in range(3):
        assert_uses_index(listings.collection, {"source.topic": TOPIC, "source.partition": partition},
                          sort=[("source.offset", -1)], limit=1,
                          index="source.topic_1_source.partition_1_source.offset_1")
    assert listings.positions(TOPIC, [0, 1, 2]) == {0: LISTINGS // 3, 1: LISTINGS // 3, 2: LISTINGS // 3}


def test_the_rebuild_mark_is_read_and_written_by_its_key(listings):
    meta = listings.db[META]
    assert_uses_index(meta, {"_id": "listings:rebuilt"}, index="_id_")
    assert_uses_index(meta, by_id_for_upsert("listings:rebuilt"), index="_id_")
    assert listings.last_rebuilt() == "2026-01-02T00:00:00+00:00"


def test_the_rate_limit_counters_expire_through_their_ttl_index(listings):
    from servicekit import rate_limit

    indexes = listings.db[rate_limit.COLLECTION].index_information()
    assert indexes["expires_at_ttl"]["expireAfterSeconds"] == 0


def test_partner_keys_are_found_and_revoked_by_their_id(database):
    from directory.adapters.partner_keys import COLLECTION, PartnerKeyRepository

    from directory.domain.partners import BULK_VERIFY, new_key

    keys = PartnerKeyRepository(database)
    for n in range(20):
        keys.add(new_key(f"Bank {n}", [BULK_VERIFY], 600, f"2026-01-{n + 1:02d}").record)
    assert_uses_index(keys.keys, {"_id": "0123456789ab"}, index="_id_")  # get
    assert_uses_index(keys.keys, {"_id": "0123456789ab", "revoked_at": None}, index="_id_")  # revoke
    assert COLLECTION == "partner_keys"
