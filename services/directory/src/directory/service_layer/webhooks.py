"""Watches and webhooks, the use cases (domain/webhooks.py has the rules).

A partner sets where its webhooks go and which numbers it watches (the partner API). The directory's worker
fans each decision a watcher hears of out into one delivery per watching key (`fan_out`, idempotent); the
directory's scheduler sends what is due (`send_next`), one delivery at a time, and records every attempt.
"""
import dataclasses
import datetime as dt
import time
import uuid

from directory.domain import webhooks as rules
from domainkit.registration import parse_registration_number


@dataclasses.dataclass(frozen=True)
class WebhookSettings:
    signing_key: bytes  # WEBHOOK_SIGNING_KEY: every key's signing secret is derived from it
    require_https: bool
    retry_seconds: float  # the first retry's delay; it doubles, up to an hour
    give_up_hours: float
    allow_private: bool = False  # WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    timeout_seconds: float = 10.0  # a whole send's deadline
    lease: dt.timedelta = dt.timedelta(seconds=60)  # a claimed delivery is left alone this long (> the deadline)


class BadNumbers(ValueError):
    """Some numbers cannot be watched: {position: message}."""

    def __init__(self, errors: dict[int, list[str]]):
        super().__init__(errors)
        self.errors = errors


def canonical_numbers(numbers: list[str]) -> list[str]:
    """The numbers in their printed form, each once; BadNumbers for any not shaped like one or mistyped."""
    parsed = [parse_registration_number(n) for n in numbers]
    errors = {i: ["Not a registration number: check the digits and the last letter."]
              for i, p in enumerate(parsed) if p is None or not p.check_ok}
    if errors:
        raise BadNumbers(errors)
    return list(dict.fromkeys(p.canonical for p in parsed))


def canonical_number_or_none(number: str) -> str | None:
    parsed = parse_registration_number(number)
    return parsed.canonical if parsed is not None and parsed.check_ok else None


def watches_of(watches, key_id: str, after: str | None, limit: int) -> dict:
    """A page of the key's watches and the `after` of the next page (None on the last)."""
    items = watches.numbers_of(key_id, after, limit)
    return {"items": items, "next_after": items[-1]["number"] if len(items) == limit else None}


def watch(watches, key_id: str, numbers: list[str], now: dt.datetime) -> dict:
    """Watch `numbers` (changes from now on); BadNumbers when one is not a possible registration number."""
    wanted = canonical_numbers(numbers)
    return {"added": watches.add_all(key_id, wanted, now), "numbers": wanted}


def set_webhook(keys, key_id: str, url: str, settings: WebhookSettings, refusal_of=lambda url: None) -> dict:
    """Send the key's webhooks to `url` (domain.webhooks.BadWebhookUrl when it cannot be: malformed, or
    `refusal_of(url)` says why not — it does not resolve, or to a private network); the secret they are signed
    with comes back with it."""
    url = rules.check_url(url, settings.require_https)
    refused = refusal_of(url)
    if refused:
        raise rules.BadWebhookUrl(f"Deliveries cannot go there: {refused}.")
    keys.set_webhook_url(key_id, url)
    return {"url": url, "signing_secret": rules.signing_secret(settings.signing_key, key_id)}


def webhook_of(key: dict, settings: WebhookSettings) -> dict:
    return {"url": key.get("webhook_url"), "signing_secret": rules.signing_secret(settings.signing_key, key["_id"])}


def fan_out(keys, watches, deliveries, envelope: dict, now: dt.datetime) -> int:
    """One delivery per key watching the number a decision concerns, for changes after its watch began and
    keys not revoked; how many are new (a redelivered or replayed event makes none)."""
    change = rules.change_of(envelope)
    if change is None:
        return 0
    occurred_at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    if now - occurred_at > dt.timedelta(days=rules.DELIVERY_LOG_DAYS - 1):
        return 0  # a replay of an old change: its delivery may have expired from the log, so never make it again
    made = 0
    for watcher in watches.watchers_of(change["data"]["registration_number"]):
        if watcher["since"] > occurred_at:
            continue
        key = keys.get(watcher["key_id"])
        if key is None or key.get("revoked_at"):
            continue
        made += deliveries.add_unless_present(rules.new_delivery(key["_id"], envelope["event_id"], change, now))
    return made


def send_test(deliveries, key_id: str, now: dt.datetime) -> dict:
    """A test delivery (webhook.test) for the key, sent like any other; the delivery as kept. While one is still
    pending (an address that does not answer), that one is the answer: tests cannot pile up behind it."""
    waiting = deliveries.pending_of_type(key_id, rules.PING)
    if waiting is not None:
        return waiting
    ping = {"type": rules.PING, "occurred_at": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "data": {"message": "A test delivery from the Freelancer Registry."}}
    delivery = rules.new_delivery(key_id, uuid.uuid4().hex, ping, now)
    deliveries.add_unless_present(delivery)
    return delivery


def send_next(deliveries, keys, post, settings: WebhookSettings, now: dt.datetime) -> bool:
    """Make one attempt at the earliest due delivery; False when none is due.

    Signed at the moment of sending (a retry carries a fresh time). A 2xx answer delivers it; anything else
    is retried with backoff until the give-up horizon. A delivery whose key was revoked is dropped."""
    claim = uuid.uuid4().hex
    delivery = deliveries.claim_due(now, settings.lease, claim)
    if delivery is None:
        return False
    key = keys.get(delivery["key_id"])
    if key is None or key.get("revoked_at"):
        deliveries.drop_pending(delivery["_id"], "the partner key was revoked", now)
        return True
    url = key.get("webhook_url")
    if url:
        body = rules.body_of(delivery)
        secret = rules.signing_secret(settings.signing_key, key["_id"])
        headers = {rules.SIGNATURE_HEADER: rules.signature_header(secret, body, int(time.time())),
                   rules.DELIVERY_HEADER: delivery["_id"], rules.EVENT_HEADER: delivery["type"]}
        attempt = {"at": now, **post(url, body, headers, settings.timeout_seconds)}
    else:
        attempt = {"at": now, "status_code": None, "error": "no webhook address is set for this key",
                   "duration_ms": 0}
    if rules.succeeded(attempt["status_code"]):
        deliveries.record_delivered(delivery["_id"], claim, attempt)
    else:
        failures = 1 + len(delivery["attempts"])
        retry = None if rules.gives_up(delivery, now, settings.give_up_hours) else \
            rules.retry_at(failures, now, settings.retry_seconds)
        deliveries.record_failed_attempt(delivery["_id"], claim, attempt, retry)
    return True


def delivery_view(delivery: dict) -> dict:
    """What a partner sees of a delivery: what was sent, its state and every attempt."""
    return {"id": delivery["_id"], "type": delivery["type"], "occurred_at": delivery["occurred_at"],
            "data": delivery["data"], "status": delivery["status"], "created_at": delivery["created_at"],
            "delivered_at": delivery.get("delivered_at"),
            "next_attempt_at": delivery["next_attempt_at"] if delivery["status"] == rules.PENDING else None,
            "attempts": delivery["attempts"]}


def delivery_log(deliveries, key_id: str, limit: int, before: dt.datetime | None = None) -> list[dict]:
    """The key's deliveries, newest first."""
    return [delivery_view(d) for d in deliveries.log_of(key_id, limit, before)]
