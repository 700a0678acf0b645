"""Verification cases: one document per application in `cases`, with its checks, decision,
append-only audit log and outbox. Every change is one conditional update of that document."""
import datetime as dt
import re

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
        self.identities: Collection = db["identities"]

    def ensure_indexes(self) -> None:
        outbox.ensure_indexes(self.collection)
        self.collection.create_index([("state", ASCENDING)])

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
        """Apply `update` (and store `events` with it) only while the case matches `condition`."""
        query = {"_id": application_id, **condition}
        return outbox.update_with_events(self.collection, query, update, list(events))

    def append_audit(self, application_id: str, entry: dict) -> None:
        self.collection.update_one({"_id": application_id}, {"$push": {"audit": entry}})

    def cnic_held_elsewhere(self, application_id: str, cnic_index: str) -> bool:
        for other in self._others_under(f"cnic:{cnic_index}", application_id):
            if other["indexes"]["cnic"] == cnic_index and other["state"] in states.HOLDS_IDENTITY:
                return True
        return False

    def contact_shared(self, application_id: str, indexes: dict) -> list[str]:
        """Which of email and mobile another live case under a different CNIC also uses."""
        shared = []
        for field in ("email", "mobile"):
            for other in self._others_under(f"{field}:{indexes[field]}", application_id):
                if (other["indexes"][field] == indexes[field] and other["indexes"]["cnic"] != indexes["cnic"]
                        and other["state"] != states.WITHDRAWN):
                    shared.append(field)
                    break
        return shared

    def remember_identity(self, application_id: str, indexes: dict) -> None:
        """Note the case under each of its blind indexes (idempotent), so duplicates are found by _id lookups.

        FerretDB's SQLite backend only uses the _id index, so `identities` documents keyed by
        "cnic:<index>" etc. replace a query on the cases' index fields. An entry can outlive an
        amendment; lookups re-check each candidate case's current indexes.
        """
        for field in ("cnic", "email", "mobile"):
            self.identities.update_one({"_id": f"{field}:{indexes[field]}"},
                                       {"$addToSet": {"application_ids": application_id}}, upsert=True)

    def _others_under(self, identity: str, application_id: str):
        entry = self.identities.find_one({"_id": identity}) or {}
        for other_id in entry.get("application_ids", []):
            if other_id != application_id:
                other = self.collection.find_one({"_id": other_id}, {"indexes": 1, "state": 1})
                if other is not None:
                    yield other

    def queue(self, states_wanted: list[str], limit: int, after: tuple | None = None,
              name_or_id: str | None = None) -> list[dict]:
        """Cases in these states, oldest first; `after` = (received_at, id) of the previous page's last;
        `name_or_id` keeps the case with that application id and those whose applicant's name contains it."""
        conditions: list[dict] = [{"state": {"$in": states_wanted}}]
        if name_or_id:
            conditions.append({"$or": [{"_id": name_or_id},
                                       {"public.full_name": {"$regex": re.escape(name_or_id), "$options": "i"}}]})
        if after is not None:
            received_at, case_id = after
            conditions.append({"$or": [{"received_at": {"$gt": received_at}},
                                       {"received_at": received_at, "_id": {"$gt": case_id}}]})
        wanted = conditions[0] if len(conditions) == 1 else {"$and": conditions}
        return list(self.collection.find(wanted,
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
