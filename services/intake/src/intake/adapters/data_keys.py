"""The applicants' data keys, wrapped (domain/data_keys.py): `data_keys`, one document per application,
{_id: application id, wrapped_by: wrapping key id, keys: {part: wrapped key}, created_at}. Destroying the keys
(leaving the tombstone {_id, destroyed_at}) is the erasure of the application's personal data everywhere
(crypto-shredding)."""
import datetime as dt

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "data_keys"
INDEXES = {COLLECTION: [IndexModel([("wrapped_by", ASCENDING), ("_id", ASCENDING)], name="wrapped_by_1__id_1")]}


class DataKeyRepository:
    def __init__(self, db: Database):
        self.keys: Collection = db[COLLECTION]

    def add_unless_present(self, application_id: str, wrapped_by: str, wrapped: dict, now: dt.datetime) -> bool:
        """Keep an application's new keys; False (nothing changed) when it has keys already."""
        try:
            self.keys.insert_one({"_id": application_id, "wrapped_by": wrapped_by, "keys": wrapped,
                                  "created_at": now})
            return True
        except DuplicateKeyError:
            return False

    def get(self, application_id: str) -> dict | None:
        return self.keys.find_one({"_id": application_id})

    def add_part(self, application_id: str, part: str, wrapped_by: str, wrapped: str) -> bool:
        """Give the application a key of `part` it lacks (made before that part existed), wrapped by `wrapped_by`;
        False when it has one (another process added it first: that one is kept), or its keys were re-wrapped or
        destroyed meanwhile."""
        return self.keys.update_one({"_id": application_id, "wrapped_by": wrapped_by, "destroyed_at": None,
                                     f"keys.{part}": {"$exists": False}},
                                    {"$set": {f"keys.{part}": wrapped}}).modified_count == 1

    def destroy(self, application_id: str, at: dt.datetime) -> bool:
        """Destroy the application's keys (their erasure), leaving a tombstone {_id, destroyed_at}; False when
        there were none, or they were destroyed already. A tombstone stops keys being made for it again."""
        result = self.keys.update_one({"_id": application_id, "destroyed_at": None},
                                      {"$set": {"destroyed_at": at}, "$unset": {"keys": "", "wrapped_by": ""}},
                                      upsert=True)
        return result.modified_count == 1 or result.upserted_id is not None

    def wrapped_by_other_than(self, wrapping_key_id: str, after: str | None, limit: int) -> list[dict]:
        """A batch, in id order after `after`, of the keys still wrapped by another wrapping key (tombstones,
        wrapped by none, are not among them)."""
        query = {"wrapped_by": {"$nin": [wrapping_key_id, None]}, **({"_id": {"$gt": after}} if after else {})}
        return list(self.keys.find(query).sort("_id", 1).limit(limit))

    def count_wrapped_by_other_than(self, wrapping_key_id: str) -> int:
        return self.keys.count_documents({"wrapped_by": {"$nin": [wrapping_key_id, None]}})

    def rewrap(self, application_id: str, old_wrapping: str, new_wrapping: str, wrapped: dict) -> bool:
        """Replace the wrapped keys if they are still wrapped by `old_wrapping` (a concurrent rewrap or erasure
        wins); True when replaced."""
        return self.keys.update_one({"_id": application_id, "wrapped_by": old_wrapping},
                                    {"$set": {"wrapped_by": new_wrapping, "keys": wrapped}}).modified_count == 1
