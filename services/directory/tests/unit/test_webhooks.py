"""Watches and webhooks with fakes: a change fans out into one delivery per watching key (never twice for a
redelivered event, never for a change before the watch began or to a revoked key); a delivery is signed over the
time and the body; failures are retried with doubling delays until the give-up horizon; numbers and addresses are
checked."""
import datetime as dt
import hashlib
import hmac
import json

import pytest

from directory.domain import webhooks as rules
from directory.service_layer import webhooks

from .test_partner_api import FakeKeys
from .test_service_layer import a_number, revocation

T0 = dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone.utc)
SETTINGS = webhooks.WebhookSettings(signing_key=b"k" * 32, require_https=True, retry_seconds=30, give_up_hours=72)


class FakeWatches:
    def __init__(self):
        self.docs = {}

    def add_all(self, key_id, numbers, now):
        new = [n for n in numbers if (key_id, n) not in self.docs]
        self.docs.update({(key_id, n): now for n in new})
        return len(new)

    def watchers_of(self, number):
        return [{"key_id": k, "since": since} for (k, n), since in self.docs.items() if n == number]

    def numbers_of(self, key_id, after, limit):
        numbers = sorted(n for (k, n) in self.docs if k == key_id and (after is None or n > after))
        return [{"number": n, "since": self.docs[(key_id, n)]} for n in numbers[:limit]]


class FakeDeliveries:
    def __init__(self):
        self.docs = {}

    def add_unless_present(self, delivery):
        if delivery["_id"] in self.docs:
            return False
        self.docs[delivery["_id"]] = dict(delivery, attempts=[])
        return True

    def claim_due(self, now, lease, claim):
        due = sorted((d for d in self.docs.values() if d["status"] == "pending" and d["next_attempt_at"] <= now),
                     key=lambda d: d["next_attempt_at"])
        if not due:
            return None
        due[0].update(next_attempt_at=now + lease, claim=claim)
        return dict(due[0], attempts=list(due[0]["attempts"]))

    def record_delivered(self, delivery_id, claim, attempt):
        if self.docs[delivery_id].get("claim") == claim:
            self.docs[delivery_id].update(status="delivered", delivered_at=attempt["at"])
            self.docs[delivery_id]["attempts"].append(attempt)

    def record_failed_attempt(self, delivery_id, claim, attempt, next_attempt_at):
        if self.docs[delivery_id].get("claim") != claim:
            return
        self.docs[delivery_id].update({"next_attempt_at": next_attempt_at} if next_attempt_at else {"status": "failed"})
        self.docs[delivery_id]["attempts"].append(attempt)

    def pending_of_type(self, key_id, delivery_type):
        return next((d for d in self.docs.values() if d["key_id"] == key_id and d["type"] == delivery_type
                     and d["status"] == "pending"), None)

    def drop_pending(self, delivery_id, reason, now):
        self.docs[delivery_id].update(status="failed", dropped=reason)

    def log_of(self, key_id, limit, before=None):
        return sorted((d for d in self.docs.values() if d["key_id"] == key_id),
                      key=lambda d: d["created_at"], reverse=True)[:limit]


class Receiver:
    """Stands in for the HTTP post: answers from a script of status codes, keeps what it was sent."""

    def __init__(self, *answers):
        self.answers, self.received = list(answers), []

    def __call__(self, url, body, headers, timeout):
        self.received.append((url, body, headers))
        code = self.answers.pop(0) if self.answers else 200
        return {"status_code": code, "error": None, "duration_ms": 3}


@pytest.fixture
def world():
    keys, watches, deliveries = FakeKeys(), FakeWatches(), FakeDeliveries()
    keys.add({"_id": "bank1", "name": "Bank", "scopes": ["watch"], "revoked_at": None,
              "webhook_url": "https://bank.example/hooks"})
    keys.add({"_id": "bank2", "name": "Other", "scopes": ["watch"], "revoked_at": None, "webhook_url": None})
    return keys, watches, deliveries


def event(envelope, event_id="e1"):
    return {**envelope, "event_id": event_id, "occurred_at": envelope["occurred_at"]}


def test_a_change_is_one_delivery_per_watching_key_and_a_redelivery_makes_none(world):
    keys, watches, deliveries = world
    number = a_number(7)
    webhooks.watch(watches, "bank1", [number.lower()], T0)
    webhooks.watch(watches, "bank2", [number], T0)
    revoked = event(revocation(number, "2026-06-02T10:00:00.000Z"))
    assert webhooks.fan_out(keys, watches, deliveries, revoked, T0) == 2
    assert webhooks.fan_out(keys, watches, deliveries, revoked, T0) == 0  # the same event again
    assert {d["type"] for d in deliveries.docs.values()} == {"registration.revoked"}
    assert all(d["data"] == {"registration_number": number, "status": "revoked", "revoked_on": "2026-06-02"}
               for d in deliveries.docs.values())  # the board's reasons never leave


def test_no_delivery_for_changes_before_the_watch_unwatched_numbers_other_events_or_revoked_keys(world):
    keys, watches, deliveries = world
    number = a_number(8)
    webhooks.watch(watches, "bank1", [number], T0)
    before = event(revocation(number, "2026-05-31T10:00:00.000Z"))
    other_number = event(revocation(a_number(9), "2026-06-02T10:00:00.000Z"), "e2")
    flagged = {"event_type": "ApplicationFlagged", "event_id": "e3", "occurred_at": "2026-06-02T10:00:00.000Z",
               "payload": {}}
    assert [webhooks.fan_out(keys, watches, deliveries, e, T0) for e in (before, other_number, flagged)] == [0, 0, 0]
    keys.revoke("bank1", T0)
    assert webhooks.fan_out(keys, watches, deliveries, event(revocation(number, "2026-06-03T00:00:00.000Z")), T0) == 0


def test_a_delivery_is_signed_over_the_time_and_body_and_carries_its_id(world):
    keys, watches, deliveries = world
    number = a_number(10)
    webhooks.watch(watches, "bank1", [number], T0)
    webhooks.fan_out(keys, watches, deliveries, event(revocation(number, "2026-06-02T10:00:00.000Z")), T0)
    receiver = Receiver(200)
    assert webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0) is True
    url, body, headers = receiver.received[0]
    secret = rules.signing_secret(SETTINGS.signing_key, "bank1")
    t, v1 = (part.split("=", 1)[1] for part in headers[rules.SIGNATURE_HEADER].split(","))
    assert v1 == hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    sent = json.loads(body)
    assert url == "https://bank.example/hooks" and sent["id"] == headers[rules.DELIVERY_HEADER]
    assert sent["type"] == headers[rules.EVENT_HEADER] == "registration.revoked"
    assert deliveries.docs[sent["id"]]["status"] == "delivered"
    assert webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0) is False  # nothing else is due


def test_failures_are_retried_with_doubling_delays_then_given_up(world):
    keys, watches, deliveries = world
    number = a_number(11)
    webhooks.watch(watches, "bank1", [number], T0)
    webhooks.fan_out(keys, watches, deliveries, event(revocation(number, "2026-06-02T10:00:00.000Z")), T0)
    (delivery_id,) = deliveries.docs
    receiver = Receiver(500, 503, 200)
    webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0)
    assert deliveries.docs[delivery_id]["next_attempt_at"] == T0 + dt.timedelta(seconds=30)
    assert webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0 + dt.timedelta(seconds=29)) is False
    webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0 + dt.timedelta(seconds=30))
    assert deliveries.docs[delivery_id]["next_attempt_at"] == T0 + dt.timedelta(seconds=90)
    webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0 + dt.timedelta(seconds=90))
    assert deliveries.docs[delivery_id]["status"] == "delivered"
    assert [a["status_code"] for a in deliveries.docs[delivery_id]["attempts"]] == [500, 503, 200]
    assert len({b for _, b, _ in receiver.received}) == 1  # the same body each time, signed afresh

    webhooks.watch(watches, "bank1", [a_number(12)], T0)
    webhooks.fan_out(keys, watches, deliveries, event(revocation(a_number(12), "2026-06-02T10:00:00.000Z"), "e9"),
                     T0)
    late = T0 + dt.timedelta(hours=72)
    webhooks.send_next(deliveries, keys, Receiver(500), SETTINGS, late)
    assert [d["status"] for d in deliveries.docs.values() if d["data"]["registration_number"] == a_number(12)] \
        == ["failed"]


def test_a_key_without_an_address_keeps_its_deliveries_waiting_and_a_revoked_keys_are_dropped(world):
    keys, watches, deliveries = world
    number = a_number(13)
    webhooks.watch(watches, "bank2", [number], T0)
    webhooks.fan_out(keys, watches, deliveries, event(revocation(number, "2026-06-02T10:00:00.000Z")), T0)
    (delivery_id,) = deliveries.docs
    receiver = Receiver()
    webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0)
    assert receiver.received == [] and deliveries.docs[delivery_id]["status"] == "pending"
    assert "no webhook address" in deliveries.docs[delivery_id]["attempts"][0]["error"]
    keys.revoke("bank2", T0)
    webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0 + dt.timedelta(minutes=5))
    assert deliveries.docs[delivery_id]["status"] == "failed" and receiver.received == []


def test_a_replayed_change_older_than_the_delivery_log_makes_no_delivery(world):
    keys, watches, deliveries = world
    number = a_number(15)
    webhooks.watch(watches, "bank1", [number], T0 - dt.timedelta(days=60))
    old = event(revocation(number, "2026-04-15T10:00:00.000Z"))  # 47 days before T0: its delivery may be gone
    assert webhooks.fan_out(keys, watches, deliveries, old, T0) == 0


def test_an_address_on_a_private_network_is_refused(world):
    keys, _, _ = world
    with pytest.raises(rules.BadWebhookUrl, match="private"):
        webhooks.set_webhook(keys, "bank1", "https://bank.example/hooks", SETTINGS,
                             lambda url: "the address is on a private or reserved network")
    assert keys.get("bank1")["webhook_url"] == "https://bank.example/hooks"  # unchanged


def test_only_possible_numbers_and_usable_addresses_are_taken(world):
    keys, watches, _ = world
    good = a_number(14)
    with pytest.raises(webhooks.BadNumbers) as refused:
        webhooks.watch(watches, "bank1", [good, good[:-1] + ("A" if good[-1] != "A" else "B"), "nonsense"], T0)
    assert set(refused.value.errors) == {1, 2} and watches.docs == {}
    assert webhooks.watch(watches, "bank1", [good, good.lower()], T0) == {"added": 1, "numbers": [good]}
    for url in ("http://bank.example/hooks", "ftp://bank.example", "https://user:pw@bank.example/", "/relative"):
        with pytest.raises(rules.BadWebhookUrl):
            webhooks.set_webhook(keys, "bank1", url, SETTINGS)
    answer = webhooks.set_webhook(keys, "bank1", "https://bank.example/new", SETTINGS)
    assert answer["signing_secret"].startswith("whsec_")
    assert answer["signing_secret"] == rules.signing_secret(b"k" * 32, "bank1") != rules.signing_secret(b"k" * 32,
                                                                                                      "bank2")


def test_a_test_delivery_is_sent_like_any_other_and_tests_do_not_pile_up(world):
    keys, _, deliveries = world
    delivery = webhooks.send_test(deliveries, "bank1", T0)
    assert webhooks.send_test(deliveries, "bank1", T0)["_id"] == delivery["_id"]  # the pending one again
    receiver = Receiver(204)
    webhooks.send_next(deliveries, keys, receiver, SETTINGS, T0)
    assert json.loads(receiver.received[0][1])["type"] == "webhook.test"
    assert webhooks.delivery_log(deliveries, "bank1", 10)[0]["id"] == delivery["_id"]

