"""Reviewer accounts: creation (by the CLI or an admin), password login, bearer tokens."""
import datetime as dt
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from servicekit.crypto import new_token, token_hash
from verification.bootstrap import Verification

ROLES = ("reviewer", "admin", "auditor")  # auditor: reads cases and audit logs, decides nothing
DECIDERS = ("reviewer", "admin")
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
_hasher = PasswordHasher()
# Checked against when the username is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")


class InvalidAccount(ValueError):
    pass


def create_reviewer(v: Verification, username: str, password: str, role: str) -> None:
    if not _USERNAME.match(username):
        raise InvalidAccount("username: 3–32 characters, lower-case letters, digits, . _ -, starting with a letter")
    if role not in ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 12:
        raise InvalidAccount("password: at least 12 characters")
    if not v.reviewers.add(username, _hasher.hash(password), role):
        raise InvalidAccount(f"a reviewer named {username} exists already")


def authenticate(v: Verification, username: str, password: str) -> dict | None:
    account = v.reviewers.get(username) if isinstance(username, str) else None
    try:
        _hasher.verify(account["password_hash"] if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.get("active", True):
        return None
    if _hasher.check_needs_rehash(account["password_hash"]):
        v.reviewers.set_password_hash(username, _hasher.hash(password))
    return account


def issue_token(v: Verification, account: dict) -> tuple[str, dt.datetime]:
    token = new_token()
    expires_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=v.config.token_ttl_hours)
    v.reviewers.purge_expired_tokens()
    v.reviewers.store_token(token_hash(token), account["_id"], account["role"], expires_at)
    return token, expires_at


def resolve_token(v: Verification, token: str) -> dict | None:
    """{"username", "role"} of a live token, else None."""
    found = v.reviewers.find_token(token_hash(token))
    return {"username": found["username"], "role": found["role"]} if found else None
