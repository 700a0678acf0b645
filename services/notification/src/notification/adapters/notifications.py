"""The delivery log: one document per (event, channel) in `notifications`, with its outbox.

Its id is "<event id>:<channel>", so a second delivery of an event finds the first one's
record and sends nothing. `status` moves pending → sending → sent, or → retrying → … →
failed; a record left in "sending" means a worker died during the send itself, and is
marked "uncertain" rather than sent again.
"""
import datetime as dt

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox

COLLECTION = "notifications"
PENDING, SENDING, RETRYING, SENT, FAILED, UNCERTAIN = "pending", "sending", "retrying", "sent", "failed", "uncertain"
FINAL = (SENT, FAILED, UNCERTAIN)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class DeliveryLog:
    def __init__(self, db: Database):
        self.collection: Collection = db[COLLECTION]

    def ensure_indexes(self) -> None:
        outbox.ensure_indexes(self.collection)
        self.collection.create_index([("application_id", ASCENDING)])

    def open(self, record_id: str, fields: dict) -> dict:
        """The record for this event and channel, created as pending the first time."""
        try:
            outbox.insert_with_events(self.collection, {"_id": record_id, "status": PENDING, "attempts": 0,
                                                        "created_at": now(), "updated_at": now(), **fields}, [])
        except DuplicateKeyError:
            pass
        return self.collection.find_one({"_id": record_id})

    def move(self, record_id: str, from_status: str, to_status: str, events: list[dict] = (), **fields) -> bool:
        update = {"$set": {"status": to_status, "updated_at": now(), **fields}}
        if to_status != SENDING and from_status == SENDING:
            update["$inc"] = {"attempts": 1}
        return outbox.update_with_events(self.collection, {"_id": record_id, "status": from_status}, update,
                                         list(events))

    def for_application(self, application_id: str) -> list[dict]:
        return list(self.collection.find({"application_id": application_id}, {"outbox": 0, "revision": 0,
                                                                              "outbox_pending": 0})
                    .sort([("created_at", DESCENDING)]))
