"""Processed-event records: a redelivered event becomes a no-op.

A handler's effect and this record are two writes (the system does not rely on multi-document
transactions), so a crash between them makes the event come back. The consumer loop checks
the records first (the common redelivery case), and handlers make their own effect
idempotent for that crash window: an insert keyed by the event id, or an update guarded by
`apply_once` inside the one document it changes.

The loop works a poll at a time: one query finds which of the poll's events are already
recorded (`processed_among`), and the records of the events it handled are written together
(`mark_all_processed`, one unordered insert that ignores records already there).
"""
import datetime as dt
from collections.abc import Iterable

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

COLLECTION = "processed_events"
DUPLICATE_KEY = 11000


class Inbox:
    def __init__(self, db: Database, consumer_name: str):
        self._records: Collection = db[COLLECTION]
        self._consumer = consumer_name

    def _id(self, event_id: str) -> str:
        return f"{self._consumer}:{event_id}"

    def already_processed(self, event_id: str) -> bool:
        return self._records.find_one({"_id": self._id(event_id)}, {"_id": 1}) is not None

    def processed_among(self, event_ids: Iterable[str]) -> set[str]:
        """The event ids among `event_ids` this consumer has already handled (one query by `_id`)."""
        wanted = {self._id(event_id): event_id for event_id in event_ids}
        if not wanted:
            return set()
        found = self._records.find({"_id": {"$in": list(wanted)}}, {"_id": 1}).batch_size(len(wanted))
        return {wanted[record["_id"]] for record in found}

    def record_of(self, envelope: dict) -> dict:
        """The record that says this consumer handled `envelope` (stored by mark_processed / mark_all_processed)."""
        return {
            "_id": self._id(envelope["event_id"]),
            "consumer": self._consumer,
            "event_type": envelope["event_type"],
            "key": envelope["key"],
            "processed_at": dt.datetime.now(dt.timezone.utc),
        }

    def mark_processed(self, envelope: dict) -> None:
        try:
            self._records.insert_one(self.record_of(envelope))
        except DuplicateKeyError:
            pass

    def mark_all_processed(self, records: list[dict]) -> None:
        """Store records made by `record_of` in one unordered insert; a record already stored is no error."""
        if not records:
            return
        try:
            self._records.insert_many(records, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if exc.details.get("writeConcernErrors") or any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise


def apply_once(event_id: str) -> tuple[dict, dict]:
    """Filter and update fragments that apply a change to one document at most once per event.

    Merge the filter into the update's filter and the `$push` into its update: a second
    delivery matches nothing. The `applied_events` list grows by one id per event, which
    stays small for a document that lives through a handful of events.
    """
    return {"applied_events": {"$ne": event_id}}, {"$push": {"applied_events": event_id}}
