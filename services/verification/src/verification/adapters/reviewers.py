"""Reviewer accounts (argon2 password hashes) and their API tokens (stored as SHA-256).

An account document holds its own append-only `audit` log (the same entries as a case's:
who did what, when); every change to an account writes its audit entry in the same update.
`credentials_version` rises whenever existing sign-ins must stop working (deactivation, a
password reset): console sessions and tokens carry the version they were issued under.
Tokens past `expires_at` are refused at once and deleted by the TTL index on it (adapters/indexes.py).
"""
import datetime as dt

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

ACCOUNTS, TOKENS = "reviewers", "reviewer_tokens"


class ReviewerRepository:
    def __init__(self, db: Database):
        self.accounts: Collection = db[ACCOUNTS]
        self.tokens: Collection = db[TOKENS]

    def add(self, username: str, password_hash: str, role: str, audit: dict | None = None) -> bool:
        try:
            self.accounts.insert_one({"_id": username, "password_hash": password_hash, "role": role, "active": True,
                                      "credentials_version": 0, "created_at": dt.datetime.now(dt.timezone.utc),
                                      "audit": [audit] if audit else []})
            return True
        except DuplicateKeyError:
            return False

    def get(self, username: str) -> dict | None:
        return self.accounts.find_one({"_id": username})

    def upgrade_password_hash(self, username: str, old_hash: str, new_hash: str) -> bool:
        """Replace the hash of the same password by a re-hash (stronger argon2 parameters), only while the
        account still has `old_hash`: a password reset that landed meanwhile is never undone. Sign-ins stay
        valid. False when the hash had changed (nothing written)."""
        result = self.accounts.update_one({"_id": username, "password_hash": old_hash},
                                          {"$set": {"password_hash": new_hash}})
        return result.modified_count == 1

    def deactivate(self, username: str, audit: dict) -> bool:
        """Mark an active account inactive and end its sign-ins; False when there is no active account so named."""
        result = self.accounts.update_one({"_id": username, "active": True},
                                          {"$set": {"active": False}, "$inc": {"credentials_version": 1},
                                           "$push": {"audit": audit}})
        return result.modified_count == 1

    def reactivate(self, username: str, audit: dict) -> bool:
        """Mark an inactive account active again; False when there is no inactive account so named."""
        result = self.accounts.update_one({"_id": username, "active": False},
                                          {"$set": {"active": True}, "$push": {"audit": audit}})
        return result.modified_count == 1

    def replace_password(self, username: str, password_hash: str, audit: dict) -> bool:
        """A new password; the account's existing sign-ins end. False when there is no such account."""
        result = self.accounts.update_one({"_id": username},
                                          {"$set": {"password_hash": password_hash}, "$inc": {"credentials_version": 1},
                                           "$push": {"audit": audit}})
        return result.matched_count == 1

    def store_token(self, token_hash: str, username: str, role: str, expires_at: dt.datetime,
                    credentials_version: int = 0) -> None:
        self.tokens.insert_one({"_id": token_hash, "username": username, "role": role, "expires_at": expires_at,
                                "credentials_version": credentials_version})

    def find_token(self, token_hash: str) -> dict | None:
        """The token's record while it is live (the TTL purge runs only about once a minute)."""
        token = self.tokens.find_one({"_id": token_hash})
        if token is None or token["expires_at"] < dt.datetime.now(dt.timezone.utc):
            return None
        return token

    def revoke_tokens(self, username: str) -> int:
        """Delete every API token of the account; how many there were."""
        return self.tokens.delete_many({"username": username}).deleted_count
