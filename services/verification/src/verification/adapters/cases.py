"""Verification cases: one document per application in the `cases` collection, carrying its own outbox."""
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from eventkit.inbox import apply_once

COLLECTION = "cases"


class CaseRepository:
    def __init__(self, collection: Collection):
        self.collection = collection

    def record_application_event(self, envelope: dict) -> bool:
        """Append the event to its application's case, once; False when it was already there."""
        guard, push_event_id = apply_once(envelope["event_id"])
        entry = {"event_id": envelope["event_id"], "event_type": envelope["event_type"],
                 "occurred_at": envelope["occurred_at"]}
        try:
            result = self.collection.update_one(
                {"_id": envelope["key"], **guard},
                {"$push": {**push_event_id["$push"], "application_events": entry},
                 "$setOnInsert": {"state": "received"}},
                upsert=True)
        except DuplicateKeyError:
            return False  # the case exists and the guard excluded it: this event was applied before
        return result.modified_count == 1 or result.upserted_id is not None

    def get(self, application_id: str) -> dict | None:
        return self.collection.find_one({"_id": application_id})
