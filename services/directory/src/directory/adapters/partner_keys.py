"""The partner API's keys (domain/partners.py): the directory's `partner_keys` collection, one document per key,
found by its id; only the secret's hash is stored."""
import datetime as dt

from pymongo.collection import Collection
from pymongo.database import Database

COLLECTION = "partner_keys"


class PartnerKeyRepository:
    def __init__(self, db: Database):
        self.keys: Collection = db[COLLECTION]

    def add(self, record: dict) -> None:
        self.keys.insert_one(record)

    def get(self, key_id: str) -> dict | None:
        return self.keys.find_one({"_id": key_id})

    def revoke(self, key_id: str, at: dt.datetime) -> bool:
        """Refuse the key from `at` on; False when there is no such key or it was revoked already."""
        return self.keys.update_one({"_id": key_id, "revoked_at": None},
                                    {"$set": {"revoked_at": at}}).modified_count == 1

    def all(self) -> list[dict]:
        """Every key (a handful), without the secrets' hashes, the newest first."""
        return list(self.keys.find({}, {"secret_hash": 0}).sort("issued_at", -1))

    def set_webhook_url(self, key_id: str, url: str | None) -> None:
        """Where the key's webhooks go (None: nowhere; its deliveries wait until an address is set)."""
        self.keys.update_one({"_id": key_id}, {"$set": {"webhook_url": url}})
