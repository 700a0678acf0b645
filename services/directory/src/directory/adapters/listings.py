"""The public listings read model: one document per registration number in `listings`.

Order-safe: every write carries the time of the event it comes from and only replaces a
listing built from an older event, so a late or replayed event never undoes a newer one.
"""
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "listings"


class ListingRepository:
    def __init__(self, db: Database, collection: str = COLLECTION):
        self.collection: Collection = db[collection]

    def get(self, registration_number: str) -> dict | None:
        return self.collection.find_one({"_id": registration_number})

    def put_if_newer(self, listing: dict) -> bool:
        """Store `listing` unless the stored one comes from a newer (or the same) event."""
        replaced = self.collection.replace_one(
            {"_id": listing["_id"], "last_event_at": {"$lt": listing["last_event_at"]}}, listing)
        if replaced.matched_count:
            return True
        try:
            self.collection.insert_one(listing)
            return True
        except DuplicateKeyError:
            return False  # a listing from a newer or the same event is already there

    def revoke_if_newer(self, registration_number: str, occurred_at: str) -> bool:
        return self.collection.update_one(
            {"_id": registration_number, "last_event_at": {"$lt": occurred_at}},
            {"$set": {"revoked": True, "last_event_at": occurred_at}}).matched_count == 1
