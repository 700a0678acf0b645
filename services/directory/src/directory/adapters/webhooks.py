"""The partners' watches and webhook deliveries (domain/webhooks.py), in the directory's database.

`watches`: one document per (key, registration number), `_id` "<key id>:<number>"; found by number when a
change fans out, by key when a partner lists its watches. `webhook_deliveries`: one document per (key, change)
with its attempts; due ones found by `next_attempt_at`, a key's log by `key_id`; removed by the server
(TTL on `expires_at`) once the log's time is up.
"""
import datetime as dt

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from directory.domain.webhooks import DELIVERED, FAILED, PENDING

WATCHES, DELIVERIES = "watches", "webhook_deliveries"
DUPLICATE_KEY = 11000

INDEXES = {
    WATCHES: [IndexModel([("number", ASCENDING)], name="number_1"),
              IndexModel([("key_id", ASCENDING), ("number", ASCENDING)], name="key_id_1_number_1")],
    DELIVERIES: [IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)], name="status_1_next_attempt_at_1"),
                 IndexModel([("key_id", ASCENDING), ("created_at", DESCENDING)], name="key_id_1_created_at_-1"),
                 IndexModel([("expires_at", ASCENDING)], name="expires_at_1", expireAfterSeconds=0)],
}


class WatchRepository:
    def __init__(self, db: Database):
        self.watches: Collection = db[WATCHES]

    def add_all(self, key_id: str, numbers: list[str], now: dt.datetime) -> int:
        """Watch `numbers` from `now` on (a number watched already keeps its start); how many are new."""
        if not numbers:
            return 0
        documents = [{"_id": f"{key_id}:{n}", "key_id": key_id, "number": n, "since": now} for n in numbers]
        try:
            return len(self.watches.insert_many(documents, ordered=False).inserted_ids)
        except BulkWriteError as exc:
            if any(e["code"] != DUPLICATE_KEY for e in exc.details["writeErrors"]):
                raise
            return exc.details["nInserted"]

    def remove(self, key_id: str, number: str) -> bool:
        """Stop watching `number`; False when the key did not watch it."""
        return self.watches.delete_one({"_id": f"{key_id}:{number}"}).deleted_count == 1

    def numbers_of(self, key_id: str, after: str | None, limit: int) -> list[dict]:
        """A page of the key's watches (number, since), in number order, after number `after`."""
        query = {"key_id": key_id, **({"number": {"$gt": after}} if after else {})}
        return list(self.watches.find(query, {"_id": 0, "number": 1, "since": 1}).sort("number", 1).limit(limit))

    def watchers_of(self, number: str) -> list[dict]:
        """Who watches `number` (key_id, since)."""
        return list(self.watches.find({"number": number}, {"_id": 0, "key_id": 1, "since": 1}))


class DeliveryRepository:
    def __init__(self, db: Database):
        self.deliveries: Collection = db[DELIVERIES]

    def add_unless_present(self, delivery: dict) -> bool:
        """Keep a new delivery; False when one with its id exists (the change was fanned out before)."""
        try:
            self.deliveries.insert_one(delivery)
            return True
        except DuplicateKeyError:
            return False

    def claim_due(self, now: dt.datetime, lease: dt.timedelta, claim: str) -> dict | None:
        """The earliest pending delivery due by `now`, moved `lease` into the future and marked with `claim` in
        the same atomic update, so no other sender takes it meanwhile (a sender that dies mid-send leaves it due
        again then, and its late outcome, under a stale claim, is not recorded)."""
        return self.deliveries.find_one_and_update(
            {"status": PENDING, "next_attempt_at": {"$lte": now}},
            {"$set": {"next_attempt_at": now + lease, "claim": claim}},
            sort=[("next_attempt_at", 1)], return_document=ReturnDocument.AFTER)

    def record_delivered(self, delivery_id: str, claim: str, attempt: dict) -> None:
        self.deliveries.update_one({"_id": delivery_id, "status": PENDING, "claim": claim},
                                   {"$set": {"status": DELIVERED, "delivered_at": attempt["at"]},
                                    "$push": {"attempts": attempt}})

    def record_failed_attempt(self, delivery_id: str, claim: str, attempt: dict,
                              next_attempt_at: dt.datetime | None) -> None:
        """One more failed attempt under `claim`; retried at `next_attempt_at`, or given up (failed) when None."""
        change = {"next_attempt_at": next_attempt_at} if next_attempt_at else {"status": FAILED}
        self.deliveries.update_one({"_id": delivery_id, "status": PENDING, "claim": claim},
                                   {"$set": change, "$push": {"attempts": attempt}})

    def pending_of_type(self, key_id: str, delivery_type: str) -> dict | None:
        """The key's pending delivery of `delivery_type`, if it has one (the test endpoint's)."""
        return self.deliveries.find_one({"key_id": key_id, "type": delivery_type, "status": PENDING})

    def drop_pending(self, delivery_id: str, reason: str, now: dt.datetime) -> None:
        """Give up a delivery that can no longer be made (its key revoked, or its address removed)."""
        self.deliveries.update_one({"_id": delivery_id, "status": PENDING},
                                   {"$set": {"status": FAILED, "dropped": reason, "dropped_at": now}})

    def log_of(self, key_id: str, limit: int, before: dt.datetime | None = None) -> list[dict]:
        """The key's deliveries, newest first, created before `before` when given."""
        query = {"key_id": key_id, **({"created_at": {"$lt": before}} if before else {})}
        return list(self.deliveries.find(query).sort("created_at", -1).limit(limit))
