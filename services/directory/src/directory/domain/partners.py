"""Partners of the board — banks applying the reduced tax rate, clients hiring freelancers — call the directory
with an API key of their own (the partner API), well above the public verify's per-address limit.

A key reads `prk_<id>.<secret>`: the id finds its record, the secret (32 random bytes) proves it; only the
secret's SHA-256 is kept (a key of that entropy needs no slow hash), so the key is shown once, when issued. Each
key has scopes (what it may call) and a quota (requests per minute, its own). A revoked key stays on record, with
when it was revoked, and is refused from then on.
"""
import dataclasses
import hashlib
import hmac
import re
import secrets

PREFIX = "prk_"
BULK_VERIFY = "verify:bulk"
WATCH = "watch"  # watches and webhooks (domain/webhooks.py)
SCOPES = (BULK_VERIFY, WATCH)
BULK_MAX = 1000  # registration numbers in one bulk check
_KEY = re.compile(r"^prk_([a-z0-9]{12})\.([A-Za-z0-9_-]{43})$")


class KeyRefused(Exception):
    """Missing, malformed, unknown, wrong or revoked: the same answer for each (401)."""


class OutOfScope(Exception):
    """The key is good but may not call this (403)."""


@dataclasses.dataclass(frozen=True)
class IssuedKey:
    key_id: str
    key: str  # shown once
    record: dict  # what is kept: id, name, scopes, quota, the secret's hash


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key(name: str, scopes: list[str], per_minute: int, now) -> IssuedKey:
    """A new key for partner `name`; ValueError for an unknown scope or a quota below 1."""
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}; got {', '.join(scopes) or 'none'}")
    if per_minute < 1:
        raise ValueError("the quota is at least one request a minute")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = {"_id": key_id, "name": name, "scopes": list(dict.fromkeys(scopes)), "per_minute": per_minute,
              "secret_hash": secret_hash(secret), "issued_at": now, "revoked_at": None}
    return IssuedKey(key_id, f"{PREFIX}{key_id}.{secret}", record)


def parse_key(presented: str) -> tuple[str, str]:
    """(key id, secret) of a key as presented; KeyRefused when it is not one."""
    match = _KEY.match((presented or "").strip())
    if match is None:
        raise KeyRefused()
    return match.group(1), match.group(2)


def check_key(record: dict | None, secret: str, scope: str) -> dict:
    """The key's record when `secret` is its secret, it is not revoked and it has `scope`; KeyRefused or
    OutOfScope otherwise (the secret compared in constant time, also for an unknown id)."""
    kept = record["secret_hash"] if record else "0" * 64
    if not hmac.compare_digest(secret_hash(secret), kept) or record is None or record.get("revoked_at"):
        raise KeyRefused()
    if scope not in record["scopes"]:
        raise OutOfScope(scope)
    return record
