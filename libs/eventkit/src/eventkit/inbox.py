"""Processed-event records: a redelivered event becomes a no-op.

Without multi-document transactions (FerretDB v1 has none) a handler's effect and this record
are two writes, so a crash between them makes the event come back. The consumer loop
checks the record first (the common redelivery case), and handlers make their own
effect idempotent for that crash window: an insert keyed by the event id, or an update
guarded by `apply_once` inside the one document it changes.
"""
import datetime as dt

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "processed_events"


class Inbox:
    def __init__(self, db: Database, consumer_name: str):
        self._records: Collection = db[COLLECTION]
        self._consumer = consumer_name

    def _id(self, event_id: str) -> str:
        return f"{self._consumer}:{event_id}"

    def already_processed(self, event_id: str) -> bool:
        return self._records.find_one({"_id": self._id(event_id)}, {"_id": 1}) is not None

    def mark_processed(self, envelope: dict) -> None:
        try:
            self._records.insert_one({
                "_id": self._id(envelope["event_id"]),
                "consumer": self._consumer,
                "event_type": envelope["event_type"],
                "key": envelope["key"],
                "processed_at": dt.datetime.now(dt.timezone.utc),
            })
        except DuplicateKeyError:
            pass


def apply_once(event_id: str) -> tuple[dict, dict]:
    """Filter and update fragments that apply a change to one document at most once per event.

    Merge the filter into the update's filter and the `$push` into its update: a second
    delivery matches nothing. The `applied_events` list grows by one id per event, which
    stays small for a document that lives through a handful of events.
    """
    return {"applied_events": {"$ne": event_id}}, {"$push": {"applied_events": event_id}}
