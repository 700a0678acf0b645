"""Verification cases: one document per application in `cases`, with its checks, decision,
append-only audit log and outbox. Every change is one conditional update of that document."""
import datetime as dt

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox
from verification.domain import case as states

COLLECTION = "cases"


class CaseRepository:
    def __init__(self, db: Database):
        self.collection: Collection = db[COLLECTION]

    def ensure_indexes(self) -> None:
        outbox.ensure_indexes(self.collection)
        for field in ("indexes.cnic", "indexes.email", "indexes.mobile", "state"):
            self.collection.create_index([(field, ASCENDING)])

    def get(self, application_id: str) -> dict | None:
        return self.collection.find_one({"_id": application_id})

    def insert(self, document: dict) -> bool:
        """False when the case exists already (another delivery created it)."""
        try:
            self.collection.insert_one({**document, **outbox.new_document_fields([])})
            return True
        except DuplicateKeyError:
            return False

    def update_if(self, application_id: str, condition: dict, update: dict, events: list[dict] = ()) -> bool:
        if events:
            update = outbox.with_events(update, list(events))
        return self.collection.update_one({"_id": application_id, **condition}, update).matched_count == 1

    def append_audit(self, application_id: str, entry: dict) -> None:
        self.collection.update_one({"_id": application_id}, {"$push": {"audit": entry}})

    def cnic_held_elsewhere(self, application_id: str, cnic_index: str) -> bool:
        return self.collection.find_one({"indexes.cnic": cnic_index, "_id": {"$ne": application_id},
                                         "state": {"$in": list(states.HOLDS_IDENTITY)}}, {"_id": 1}) is not None

    def contact_shared(self, application_id: str, indexes: dict) -> list[str]:
        """Which of email and mobile another live case under a different CNIC also uses."""
        shared = []
        for field in ("email", "mobile"):
            other = self.collection.find_one({f"indexes.{field}": indexes[field], "_id": {"$ne": application_id},
                                              "indexes.cnic": {"$ne": indexes["cnic"]},
                                              "state": {"$ne": states.WITHDRAWN}}, {"_id": 1})
            if other is not None:
                shared.append(field)
        return shared

    def queue(self, states_wanted: list[str], limit: int) -> list[dict]:
        return list(self.collection.find({"state": {"$in": states_wanted}},
                                         {"public": 1, "state": 1, "reasons": 1, "received_at": 1, "updated_at": 1})
                    .sort([("received_at", ASCENDING), ("_id", ASCENDING)]).limit(limit))


class RegistrationNumbers:
    """Per-year sequences in `registration_counters`: one atomic increment per number."""

    def __init__(self, db: Database):
        self.counters: Collection = db["registration_counters"]

    def next(self, year: int) -> int:
        counter = self.counters.find_one_and_update({"_id": f"year-{year}"}, {"$inc": {"last": 1}},
                                                    upsert=True, return_document=True)
        return counter["last"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
