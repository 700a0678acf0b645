"""Reviewer accounts (argon2 password hashes) and their API tokens (stored as SHA-256)."""
import datetime as dt

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


class ReviewerRepository:
    def __init__(self, db: Database):
        self.accounts: Collection = db["reviewers"]
        self.tokens: Collection = db["reviewer_tokens"]

    def ensure_indexes(self) -> None:
        self.tokens.create_index([("expires_at", ASCENDING)])

    def add(self, username: str, password_hash: str, role: str) -> bool:
        try:
            self.accounts.insert_one({"_id": username, "password_hash": password_hash, "role": role, "active": True,
                                      "created_at": dt.datetime.now(dt.timezone.utc)})
            return True
        except DuplicateKeyError:
            return False

    def get(self, username: str) -> dict | None:
        return self.accounts.find_one({"_id": username})

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self.accounts.update_one({"_id": username}, {"$set": {"password_hash": password_hash}})

    def store_token(self, token_hash: str, username: str, role: str, expires_at: dt.datetime) -> None:
        self.tokens.insert_one({"_id": token_hash, "username": username, "role": role, "expires_at": expires_at})

    def find_token(self, token_hash: str) -> dict | None:
        token = self.tokens.find_one({"_id": token_hash})
        if token is None or token["expires_at"] < dt.datetime.now(dt.timezone.utc):
            return None
        return token

    def purge_expired_tokens(self) -> None:
        self.tokens.delete_many({"expires_at": {"$lt": dt.datetime.now(dt.timezone.utc)}})
