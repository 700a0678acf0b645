"""Watches and webhooks: a partner watches registration numbers and is told, by an HTTP POST to the address it
gave, when one of them is renewed, expires, is revoked or is reinstated.

Each change becomes one delivery per watching key, whose id is derived from the key and the event (so a
redelivered or replayed event never makes a second one), and only for changes that happened after the watch
began. A delivery is signed with the key's signing secret — derived from the directory's WEBHOOK_SIGNING_KEY
and the key's id, so nothing secret is stored — over "<unix time>.<body>", and the time is in the signature
header: a receiver checks the HMAC and refuses a time more than five minutes off (a replayed request).
Failed attempts are retried with exponential backoff until the give-up horizon; the log of deliveries and
their attempts is kept DELIVERY_LOG_DAYS, then expires.
"""
import base64
import datetime as dt
import hashlib
import hmac
import json
from urllib.parse import urlsplit

from directory.domain.listing import EXPIRED_EVENT, REINSTATED_EVENT, RENEWED_EVENT, REVOKED_EVENT

# the decision events a watcher hears of, and the name each has in a webhook
WEBHOOK_TYPES = {RENEWED_EVENT: "registration.renewed", EXPIRED_EVENT: "registration.expired",
                 REVOKED_EVENT: "registration.revoked", REINSTATED_EVENT: "registration.reinstated"}
PING = "webhook.test"  # what the test endpoint sends
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
SIGNATURE_HEADER, DELIVERY_HEADER, EVENT_HEADER = "X-Registry-Signature", "X-Registry-Delivery", "X-Registry-Event"
TOLERANCE_SECONDS = 300  # how far a receiver should accept the signed time from its own clock
WATCH_MAX = 1000  # numbers added in one request
DELIVERY_LOG_DAYS = 30
MAX_BACKOFF_SECONDS = 3600
URL_MAX = 2000


class BadWebhookUrl(ValueError):
    """Not an absolute http(s) address (or http where https is required)."""


def check_url(url: str, require_https: bool) -> str:
    """`url` when a delivery can be posted to it; BadWebhookUrl with the reason otherwise."""
    parts = urlsplit(url.strip())
    allowed = ("https",) if require_https else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or len(url) > URL_MAX:
        raise BadWebhookUrl(f"Give an absolute {' or '.join(allowed)} address of at most {URL_MAX} characters.")
    if parts.username or parts.password:
        raise BadWebhookUrl("The address must not carry a user name or password.")
    return url.strip()


def signing_secret(master_key: bytes, key_id: str) -> str:
    """The secret a partner checks its deliveries with: the same for as long as WEBHOOK_SIGNING_KEY is."""
    digest = hmac.new(master_key, f"webhook-signing:{key_id}".encode(), hashlib.sha256).digest()
    return "whsec_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signature_header(secret: str, body: bytes, unix_time: int) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`."""
    mac = hmac.new(secret.encode(), f"{unix_time}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={unix_time},v1={mac}"


def delivery_id(key_id: str, event_id: str) -> str:
    """One id per (key, change): inserting it twice is refused by the database, so a change is delivered once."""
    return "whd_" + hashlib.sha256(f"{key_id}:{event_id}".encode()).hexdigest()[:24]


def change_of(envelope: dict) -> dict | None:
    """What a webhook says of a decision event (public fields only), or None for events no watcher hears of."""
    webhook_type = WEBHOOK_TYPES.get(envelope["event_type"])
    if webhook_type is None:
        return None
    payload = envelope["payload"]
    data = {"registration_number": payload["registration_number"]}
    if envelope["event_type"] == RENEWED_EVENT:
        data.update(status="valid", valid_until=payload["valid_until"])
    elif envelope["event_type"] == REVOKED_EVENT:
        data.update(status="revoked", revoked_on=payload.get("revoked_on") or envelope["occurred_at"][:10])
    elif envelope["event_type"] == EXPIRED_EVENT:
        data.update(status="expired")
    else:
        data.update(status="valid" if payload.get("status") == "approved" else "expired")
    return {"type": webhook_type, "occurred_at": envelope["occurred_at"], "data": data}


def new_delivery(key_id: str, event_id: str, change: dict, now: dt.datetime) -> dict:
    """A delivery waiting for its first attempt (now)."""
    return {"_id": delivery_id(key_id, event_id), "key_id": key_id, "type": change["type"],
            "occurred_at": change["occurred_at"], "data": change["data"],
            "registration_number": change["data"].get("registration_number"),
            "status": PENDING, "attempts": [], "created_at": now, "next_attempt_at": now,
            "expires_at": now + dt.timedelta(days=DELIVERY_LOG_DAYS)}


def body_of(delivery: dict) -> bytes:
    """The JSON posted: the delivery's id, type, when the change happened and what changed."""
    return json.dumps({"id": delivery["_id"], "type": delivery["type"], "occurred_at": delivery["occurred_at"],
                       "data": delivery["data"]}, separators=(",", ":"), sort_keys=True).encode()


def retry_at(failed_attempts: int, now: dt.datetime, base_seconds: float) -> dt.datetime:
    """When to try again after the n-th failed attempt: base, 2×base, 4×base… at most an hour apart."""
    return now + dt.timedelta(seconds=min(base_seconds * 2 ** (failed_attempts - 1), MAX_BACKOFF_SECONDS))


def gives_up(delivery: dict, now: dt.datetime, give_up_hours: float) -> bool:
    """True once a delivery has failed for longer than the give-up horizon."""
    return now - delivery["created_at"] >= dt.timedelta(hours=give_up_hours)


def succeeded(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300
