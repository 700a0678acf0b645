"""The applicants' data keys, wrapped (domain/data_keys.py): `data_keys`, one document per application,
{_id: application id, wrapped_by: wrapping key id, keys: {part: wrapped key}, created_at}. Destroying the
document is the erasure of the application's personal data everywhere (crypto-shredding)."""
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

    def add_part(self, application_id: str, part: str, wrapped: str) -> bool:
        """Give the application a key of `part` it lacks (made before that part existed); False when it has one
        (another process added it first: that one is kept)."""
        return self.keys.update_one({"_id": application_id, f"keys.{part}": {"$exists": False}},
                                    {"$set": {f"keys.{part}": wrapped}}).modified_count == 1

    def destroy(self, application_id: str) -> bool:
        """Destroy the application's keys (their erasure); False when there were none."""
        return self.keys.delete_one({"_id": application_id}).deleted_count == 1

    def wrapped_by_other_than(self, wrapping_key_id: str, after: str | None, limit: int) -> list[dict]:
        """A batch, in id order after `after`, of the keys still wrapped by another wrapping key."""
        query = {"wrapped_by": {"$ne": wrapping_key_id}, **({"_id": {"$gt": after}} if after else {})}
        return list(self.keys.find(query).sort("_id", 1).limit(limit))

    def count_wrapped_by_other_than(self, wrapping_key_id: str) -> int:
        return self.keys.count_documents({"wrapped_by": {"$ne": wrapping_key_id}})

    def rewrap(self, application_id: str, old_wrapping: str, new_wrapping: str, wrapped: dict) -> bool:
        """Replace the wrapped keys if they are still wrapped by `old_wrapping` (a concurrent rewrap or erasure
        wins); True when replaced."""
        return self.keys.update_one({"_id": application_id, "wrapped_by": old_wrapping},
                                    {"$set": {"wrapped_by": new_wrapping, "keys": wrapped}}).modified_count == 1
