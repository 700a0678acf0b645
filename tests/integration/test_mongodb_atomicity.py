"""The MongoDB-protocol server keeps single-document updates atomic under concurrency.

Everything the registry does without transactions rests on this
(docs/architecture.md, "One document, one atomic write").
Upserts by `_id` go through eventkit.upserts: DocumentDB loses concurrent upserts filtered by a
bare `{"_id": k}` on a missing document (measured here: 1 of 400 lost)."""
import threading

from pymongo import ReturnDocument

from eventkit.upserts import upsert_by_id


def run_concurrently(target, threads: int = 4):
    workers = [threading.Thread(target=target, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)


def test_concurrent_increments_on_one_document_are_all_kept(database):
    coll = database["counters"]
    coll.insert_one({"_id": "c", "a": 0, "b": 0})
    run_concurrently(lambda n: [coll.update_one({"_id": "c"}, {"$inc": {"ab"[n % 2]: 1}}) for _ in range(150)])
    assert coll.find_one({"_id": "c"}) == {"_id": "c", "a": 300, "b": 300}


def test_concurrent_updates_of_different_fields_do_not_undo_each_other(database):
    coll = database["docs"]
    coll.insert_one({"_id": "d", "status": "submitted", "log": []})
    run_concurrently(lambda n: [coll.update_one({"_id": "d"}, {"$push": {"log": f"{n}-{i}"}}) for i in range(50)])
    assert len(coll.find_one({"_id": "d"})["log"]) == 200


def test_concurrent_upserting_counters_count_every_hit(database):
    coll = database["windows"]
    run_concurrently(lambda n: [upsert_by_id(coll, f"w{i % 5}", {"$inc": {"count": 1}}, return_after=True)
                                for i in range(100)])
    assert sorted(d["count"] for d in coll.find()) == [80] * 5

