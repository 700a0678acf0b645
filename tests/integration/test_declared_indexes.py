"""ensure_indexes on the real server: idempotent, and the declaration wins over what an earlier
version of a service left behind (the same keys under another name, or other options)."""
from pymongo import ASCENDING, IndexModel

from eventkit.indexes import ensure_indexes


def _indexes(collection) -> dict:
    return {name: info for name, info in collection.index_information().items() if name != "_id_"}


def test_declared_indexes_are_made_once(database):
    declared = {"things": [IndexModel([("state", ASCENDING), ("at", ASCENDING)], name="state_at")]}
    ensure_indexes(database, declared)
    ensure_indexes(database, declared)
    assert list(_indexes(database["things"])) == ["state_at"]


def test_the_same_keys_under_another_name_with_other_options_are_replaced(database):
    things = database["things"]
    things.create_index([("seen_at", ASCENDING)], expireAfterSeconds=60)  # default name seen_at_1
    ensure_indexes(database, {"things": [IndexModel([("seen_at", ASCENDING)], name="seen_ttl",
                                                    expireAfterSeconds=3600)]})
    indexes = _indexes(things)
    assert list(indexes) == ["seen_ttl"] and indexes["seen_ttl"]["expireAfterSeconds"] == 3600


def test_a_name_holding_other_keys_is_made_again_with_the_declared_keys(database):
    things = database["things"]
    things.create_index([("old_field", ASCENDING)], name="lookup")
    ensure_indexes(database, {"things": [IndexModel([("new_field", ASCENDING)], name="lookup")]})
    assert [tuple(pair) for pair in _indexes(things)["lookup"]["key"]] == [("new_field", 1)]
