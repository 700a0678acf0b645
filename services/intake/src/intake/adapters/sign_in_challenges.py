"""Where one-time sign-in codes wait: intake's `sign_in_challenges` collection, one document per code asked for
(domain/sign_in.py has the rules).

A challenge: {_id (its random id, kept in the page's form), address_index (the email's or mobile's blind index),
channel, code_hash (None for an address no application has), created_at, expires_at (the code's end), attempts,
used_at, purge_at}. The server deletes it at `purge_at` (TTL index), an hour after it was made: long enough to
count an address's codes for the hourly limit, and nothing about a sign-in is kept longer.
"""
import datetime as dt

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database

COLLECTION = "sign_in_challenges"
INDEXES = [
    IndexModel([("purge_at", ASCENDING)], name="purge_at_ttl", expireAfterSeconds=0),
    IndexModel([("address_index", ASCENDING), ("created_at", ASCENDING)], name="address_index_created_at"),
]


class SignInChallenges:
    def __init__(self, db: Database):
        self.challenges: Collection = db[COLLECTION]

    def open(self, challenge: dict) -> None:
        """Keep a new challenge (its fields as the module says; attempts 0, not used)."""
        self.challenges.insert_one({**challenge, "attempts": 0, "used_at": None})

    def count_opened_since(self, address_index: str, since: dt.datetime) -> int:
        """How many codes were asked for this address since `since` (the hourly limit)."""
        return self.challenges.count_documents({"address_index": address_index, "created_at": {"$gte": since}})

    def take_attempt(self, challenge_id: str, now: dt.datetime, max_attempts: int) -> dict | None:
        """Count one try at the challenge, if it is unused, unexpired and has tries left; the challenge after it
        (its address index, channel and code hash), or None when it may not be tried."""
        return self.challenges.find_one_and_update(
            {"_id": challenge_id, "used_at": None, "expires_at": {"$gt": now}, "attempts": {"$lt": max_attempts}},
            {"$inc": {"attempts": 1}},
            projection={"address_index": 1, "channel": 1, "code_hash": 1, "attempts": 1},
            return_document=ReturnDocument.AFTER)

    def mark_used(self, challenge_id: str, now: dt.datetime) -> bool:
        """Spend the challenge (its code signed someone in); False when it was spent already (a racing try)."""
        return self.challenges.update_one({"_id": challenge_id, "used_at": None},
                                          {"$set": {"used_at": now}}).modified_count == 1
