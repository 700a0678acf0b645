"""Checks, with pymongo, what the registry relies on from a MongoDB-protocol server, and times it.

    .local/venv/bin/python deploy/local/documentdb/probe.py 'mongodb://user:pass@127.0.0.1:27018/' [--docs 10000]

Works in a database of its own (probe_<random>), dropped at the end. Prints one line per check:
ok/FAIL, median latency where it is a latency, and details. Exit status 1 if a check failed.
"""
import argparse
import concurrent.futures
import datetime as dt
import os
import statistics
import sys
import threading
import time
import traceback
import uuid

import gridfs
from pymongo import ASCENDING, InsertOne, MongoClient, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError

RESULTS = []


def check(name):
    def wrap(fn):
        def run(*args):
            started = time.perf_counter()
            try:
                detail = fn(*args)
                RESULTS.append((name, True, detail))
            except Exception as exc:  # noqa: BLE001 - report and go on
                RESULTS.append((name, False, f"{type(exc).__name__}: {exc}"))
                if os.environ.get("PROBE_TRACEBACK"):
                    traceback.print_exc()
            print(f"{'ok  ' if RESULTS[-1][1] else 'FAIL'} {name:<34} {RESULTS[-1][2]}  [{time.perf_counter() - started:.1f}s]",
                  flush=True)
        return run
    return wrap


def median_ms(fn, n=200):
    times = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("uri")
    parser.add_argument("--docs", type=int, default=10000)
    args = parser.parse_args()
    client = MongoClient(args.uri, serverSelectionTimeoutMS=5000)
    db = client[f"probe_{uuid.uuid4().hex[:8]}"]
    pad = "x" * 900
    try:
        @check("hello + authentication")
        def auth():
            hello = client.admin.command("hello")
            status = client.admin.command("connectionStatus")
            users = status["authInfo"]["authenticatedUsers"]
            return f"maxWireVersion {hello['maxWireVersion']}, setName {hello.get('setName')}, users {users}"
        auth()

        @check("wrong password / no credentials")
        def refused():
            from pymongo.errors import OperationFailure
            from pymongo.uri_parser import parse_uri
            parts = parse_uri(args.uri)
            host, port = parts["nodelist"][0]
            outcomes = []
            for creds in ({"username": parts["username"], "password": "wrong"}, {}):
                with MongoClient(host, port, serverSelectionTimeoutMS=3000, **creds) as other:
                    try:
                        other["x"]["y"].find_one()
                        outcomes.append("ACCEPTED")
                    except OperationFailure as exc:
                        outcomes.append(f"refused ({exc.code})")
            assert "ACCEPTED" not in outcomes, outcomes
            return ", ".join(outcomes)
        refused()

        coll = db["items"]

        @check("insert (bulk load)")
        def load():
            t = time.perf_counter()
            coll.insert_many([{"_id": f"i{i}", "n": i, "k": f"key{i % 1000}", "pad": pad} for i in range(args.docs)])
            return f"{args.docs} docs of ~1 KB in {time.perf_counter() - t:.1f}s"
        load()

        @check("insert_one (median)")
        def insert_one():
            return f"{median_ms(lambda i: coll.insert_one({'_id': f'x{i}', 'n': -i - 1, 'k': 'x', 'pad': pad})):.2f} ms"
        insert_one()

        @check("find by _id (median)")
        def by_id():
            return f"{median_ms(lambda i: coll.find_one({'_id': f'i{(i * 37) % args.docs}'})):.2f} ms"
        by_id()

        @check("createIndex on non-empty coll")
        def create_index():
            t = time.perf_counter()
            coll.create_index([("k", ASCENDING)], name="k_1")
            return f"{time.perf_counter() - t:.2f} s for {args.docs} docs"
        create_index()

        @check("indexed find uses index (explain)")
        def indexed_find():
            plan = coll.find({"k": "key7"}).explain()
            text = str(plan)
            uses = "k_1" in text
            found = len(list(coll.find({"k": "key7"})))
            ms = median_ms(lambda i: list(coll.find({"k": f"key{i % 1000}"})))
            if not uses:
                raise AssertionError(f"plan does not name k_1: {text[:300]}")
            return f"{ms:.2f} ms median, {found} docs, plan names k_1"
        indexed_find()

        @check("conditional update (median)")
        def cond_update():
            coll.update_one({"_id": "i1"}, {"$set": {"status": "a"}})
            res = coll.update_one({"_id": "i1", "status": "b"}, {"$set": {"status": "c"}})
            assert res.matched_count == 0
            res = coll.update_one({"_id": "i1", "status": "a"}, {"$set": {"status": "b"}})
            assert res.modified_count == 1
            ms = median_ms(lambda i: coll.update_one({"_id": f"i{i}", "n": i}, {"$set": {"seen": True}}))
            return f"{ms:.2f} ms; wrong-state update matched 0, right-state modified 1"
        cond_update()

        @check("findOneAndUpdate $inc (median)")
        def fau():
            db.counters.insert_one({"_id": "seq", "v": 0})
            ms = median_ms(lambda i: db.counters.find_one_and_update({"_id": "seq"}, {"$inc": {"v": 1}},
                                                                      return_document=ReturnDocument.AFTER))
            return f"{ms:.2f} ms, counter {db.counters.find_one({'_id': 'seq'})['v']}"
        fau()

        @check("concurrent $inc 4x300")
        def concurrent_inc():
            db.counters.insert_one({"_id": "c", "v": 0})

            def work(_):
                for _ in range(300):
                    db.counters.update_one({"_id": "c"}, {"$inc": {"v": 1}})
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(work, range(4)))
            v = db.counters.find_one({"_id": "c"})["v"]
            assert v == 1200, f"counter ended at {v}"
            return "ended at 1200"
        concurrent_inc()

        @check("concurrent upserts, _id-only filter")
        def concurrent_upserts():
            # DocumentDB (this commit) inserts an _id-only upsert with INSERT ... ON CONFLICT DO UPDATE SET
            # document = <new>: two racing upserts of a missing _id can both "insert", the later one
            # replacing the earlier (upstream issue documentdb/documentdb#295). Runs 5 rounds.
            lost = 0
            for round_ in range(5):
                up = db[f"upserts{round_}"]

                def work(_):
                    for i in range(100):
                        up.update_one({"_id": f"w{i % 5}"}, {"$inc": {"count": 1}}, upsert=True)
                with concurrent.futures.ThreadPoolExecutor(4) as pool:
                    list(pool.map(work, range(4)))
                lost += 400 - sum(d["count"] for d in up.find())
            assert lost == 0, f"{lost} of 2000 increments lost"
            return "no increment lost in 5 rounds of 4x100"
        concurrent_upserts()

        @check("TTL index (expireAfterSeconds)")
        def ttl():
            ttl_coll = db["ttl"]
            ttl_coll.insert_one({"_id": "old", "at": dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)})
            ttl_coll.insert_one({"_id": "new", "at": dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)})
            ttl_coll.create_index("at", expireAfterSeconds=1)
            t = time.perf_counter()
            while ttl_coll.find_one({"_id": "old"}) and time.perf_counter() - t < 75:
                time.sleep(1)
            gone = ttl_coll.find_one({"_id": "old"}) is None
            assert gone, "expired document still there after 75 s"
            assert ttl_coll.find_one({"_id": "new"}), "unexpired document removed"
            return f"expired document gone after {time.perf_counter() - t:.0f} s"
        ttl_thread = threading.Thread(target=ttl)
        ttl_thread.start()

        @check("unique index")
        def unique():
            u = db["users"]
            u.insert_many([{"email": "a@x"}, {"email": "b@x"}])
            u.create_index("email", unique=True)
            try:
                u.insert_one({"email": "a@x"})
            except DuplicateKeyError as exc:
                return f"duplicate refused (code {exc.code})"
            raise AssertionError("duplicate accepted")
        unique()

        @check("text index + $text search")
        def text():
            t = db["texts"]
            t.insert_many([{"body": "python developer in lahore"}, {"body": "graphic designer karachi"}])
            t.create_index([("body", "text")])
            hits = list(t.find({"$text": {"$search": "developer"}}))
            assert len(hits) == 1, hits
            return "1 hit"
        text()

        @check("$facet")
        def facet():
            out = list(coll.aggregate([{"$match": {"n": {"$gte": 0, "$lt": 100}}},
                                       {"$facet": {"count": [{"$count": "c"}],
                                                   "top": [{"$sort": {"n": -1}}, {"$limit": 2}, {"$project": {"n": 1}}]}}]))
            assert out[0]["count"][0]["c"] == 100 and [d["n"] for d in out[0]["top"]] == [99, 98], out
            return "count 100, top [99, 98]"
        facet()

        @check("$lookup")
        def lookup():
            db.orders.insert_many([{"_id": 1, "item": "i1"}, {"_id": 2, "item": "i2"}])
            out = list(db.orders.aggregate([{"$lookup": {"from": "items", "localField": "item", "foreignField": "_id",
                                                         "as": "it"}}, {"$sort": {"_id": 1}}]))
            assert [o["it"][0]["n"] for o in out] == [1, 2], out
            return "joined 2/2"
        lookup()

        @check("$group with $max")
        def group_max():
            out = list(coll.aggregate([{"$match": {"n": {"$gte": 0}}},
                                       {"$group": {"_id": "$k", "m": {"$max": "$n"}}}, {"$sort": {"_id": 1}}, {"$limit": 1}]))
            assert out[0]["_id"] == "key0" and out[0]["m"] == max(i for i in range(args.docs) if i % 1000 == 0), out
            return f"key0 max {out[0]['m']}"
        group_max()

        @check("bulk_write with upsert")
        def bulk():
            res = db.bulk.bulk_write([InsertOne({"_id": 1, "v": 1}),
                                      UpdateOne({"_id": 2}, {"$set": {"v": 2}}, upsert=True),
                                      UpdateOne({"_id": 1}, {"$inc": {"v": 10}}, upsert=True)], ordered=True)
            assert res.inserted_count == 1 and res.upserted_count == 1 and res.modified_count == 1, res.bulk_api_result
            assert db.bulk.find_one({"_id": 1})["v"] == 11
            return "inserted 1, upserted 1, modified 1"
        bulk()

        @check("renameCollection dropTarget=True")
        def rename():
            db.src.insert_one({"_id": "s"})
            db.dst.insert_one({"_id": "d"})
            db.src.rename("dst", dropTarget=True)
            assert [d["_id"] for d in db.dst.find()] == ["s"] and "src" not in db.list_collection_names()
            return "target replaced"
        rename()

        @check("transaction commit (with_transaction)")
        def txn_commit():
            db.create_collection("acct") if "acct" not in db.list_collection_names() else None
            db.acct.insert_many([{"_id": "a", "v": 100}, {"_id": "b", "v": 0}])
            with client.start_session() as s:
                def move(session):
                    db.acct.update_one({"_id": "a"}, {"$inc": {"v": -30}}, session=session)
                    db.acct.update_one({"_id": "b"}, {"$inc": {"v": 30}}, session=session)
                s.with_transaction(move)
            assert [d["v"] for d in db.acct.find().sort("_id")] == [70, 30]
            return "both updates visible"
        txn_commit()

        @check("transaction abort + isolation")
        def txn_abort():
            with client.start_session() as s:
                s.start_transaction()
                db.acct.update_one({"_id": "a"}, {"$inc": {"v": -50}}, session=s)
                outside = db.acct.find_one({"_id": "a"})["v"]
                s.abort_transaction()
            after = db.acct.find_one({"_id": "a"})["v"]
            assert outside == 70 and after == 70, (outside, after)
            return "uncommitted write invisible outside, rolled back"
        txn_abort()

        @check("GridFS 3 MB put/get")
        def grid():
            fs = gridfs.GridFS(db)
            data = os.urandom(3 * 1024 * 1024)
            t = time.perf_counter()
            fid = fs.put(data, filename="x.bin")
            back = fs.get(fid).read()
            assert back == data
            return f"round trip {1000 * (time.perf_counter() - t):.0f} ms"
        grid()

        @check("change stream (watch)")
        def change_stream():
            with db.items.watch(max_await_time_ms=500) as stream:
                db.items.insert_one({"_id": "cs"})
                return f"event {stream.try_next()}"
        change_stream()

        ttl_thread.join()
    finally:
        client.drop_database(db.name)
        client.close()
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)}/{len(RESULTS)} ok" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
