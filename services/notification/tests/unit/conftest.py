"""Fakes for the service layer's unit tests: an in-memory delivery log with the real one's
conditional moves, senders that fail as told, and a clock the test moves."""
import base64
import copy
import datetime as dt
import os

import pytest

from documentkit.certificate import render_certificate
from documentkit.voucher import render_voucher
from notification.domain import deliveries as records
from notification.service_layer.dependencies import Dependencies
from servicekit.crypto import Sealer

KEY = base64.b64encode(os.urandom(32)).decode()
START = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


class FakeDeliveryLog:
    """DeliveryLog's methods (service_layer.dependencies.Deliveries) over a dict; each move applies only
    from the state the real one requires."""

    def __init__(self):
        self.records: dict[str, dict] = {}
        self.events: list[dict] = []  # what the outbox would publish, in order
        self.claims = 0
        self.crash_after_resend_record = False  # add_resend stops after its first write, as if it crashed

    def open_claimed(self, record_id, fields, envelope, at):
        if record_id in self.records:
            return copy.deepcopy(self.records[record_id]), False
        self.records[record_id] = {"_id": record_id, "status": records.SENDING, "attempts": 0,
                                   "created_at": at, "updated_at": at, "claimed_at": at,
                                   "envelope": copy.deepcopy(envelope), **fields}
        return copy.deepcopy(self.records[record_id]), True

    def add_pending(self, record_id, fields, envelope, at):
        """A record as versions before open_claimed left it: created, not yet claimed."""
        self.records[record_id] = {"_id": record_id, "status": records.PENDING, "attempts": 0,
                                   "created_at": at, "updated_at": at, "envelope": copy.deepcopy(envelope),
                                   **fields}

    def _move(self, record_id, from_status, changes, events=(), unset=(), inc_attempts=True, **conditions):
        r = self.records.get(record_id)
        statuses = from_status if isinstance(from_status, tuple) else (from_status,)
        if r is None or r["status"] not in statuses or any(r.get(k) != v for k, v in conditions.items()):
            return False
        r.update(changes, updated_at=self.clock())
        for name in unset:
            r.pop(name, None)
        if inc_attempts:
            r["attempts"] += 1
        self.events.extend(events)
        return True

    def claim_pending(self, record_id, at):
        return self._move(record_id, records.PENDING, {"status": records.SENDING, "claimed_at": at},
                          inc_attempts=False)

    def mark_sent(self, record_id, provider_id, event, at):
        return self._move(record_id, records.SENDING, {"status": records.SENT, "sent_at": at,
                                                       "provider_id": provider_id}, [event],
                          unset=("envelope", "next_attempt_at"))

    def mark_failed(self, record_id, error, event, at, attempted=True):
        return self._move(record_id, records.SENDING, {"status": records.FAILED, "last_error": error}, [event],
                          unset=("next_attempt_at",), inc_attempts=attempted)

    def reschedule(self, record_id, next_attempt_at, error, at):
        return self._move(record_id, records.SENDING, {"status": records.RETRYING, "last_error": error,
                                                       "next_attempt_at": next_attempt_at})

    def mark_uncertain(self, record_id, error, event, at, attempts=None):
        conditions = {} if attempts is None else {"attempts": attempts}
        return self._move(record_id, records.SENDING, {"status": records.UNCERTAIN, "last_error": error}, [event],
                          unset=("next_attempt_at",), **conditions)

    def claim_due(self, at):
        due = sorted((r for r in self.records.values()
                      if r["status"] == records.RETRYING and r["next_attempt_at"] <= at),
                     key=lambda r: r["next_attempt_at"])
        for r in due:
            if self._move(r["_id"], records.RETRYING, {"status": records.SENDING, "claimed_at": at},
                          inc_attempts=False):
                self.claims += 1
                return copy.deepcopy(self.records[r["_id"]])
        return None

    def mark_stale_sending_uncertain(self, claimed_before, failed_event, at):
        moved = []
        for r in list(self.records.values()):
            if r["status"] == records.SENDING and r["claimed_at"] < claimed_before:
                before = copy.deepcopy(r)
                self._move(r["_id"], records.SENDING, {"status": records.UNCERTAIN}, [failed_event(before)])
                moved.append(before)
        return moved

    def get(self, record_id):
        return copy.deepcopy(self.records.get(record_id))

    def resends_of(self, record_id):
        return sorted((copy.deepcopy(r) for r in self.records.values() if r.get("resend_of") == record_id),
                      key=lambda r: records.resend_number(r["_id"]))

    def add_resend(self, original, number, fields, at):
        """The real one's writes, in its order: the new record, then the original's `resent_as`
        (`crash_after_resend_record` stops it after the first, as a crash would)."""
        new_id = records.resend_id(original["_id"], number)
        if new_id in self.records:
            raise records.ResendNumberTaken(new_id)
        kept = {k: original[k] for k in ("application_id", "event_id", "event_type", "channel", "template",
                                         "language", "to", "envelope") if k in original}
        self.records[new_id] = {"_id": new_id, "status": records.RETRYING, "attempts": 0, "next_attempt_at": at,
                                "created_at": at, "updated_at": at, "resend_of": original["_id"],
                                **copy.deepcopy(kept), **fields}
        if self.crash_after_resend_record:
            raise ConnectionError("crashed after the re-send's record")
        resent_as = self.records[original["_id"]].setdefault("resent_as", [])
        resent_as.extend(i for i in [records.resend_id(original["_id"], k) for k in range(1, number + 1)]
                         if i not in resent_as)
        return copy.deepcopy(self.records[new_id])

    def for_application(self, application_id):
        return sorted((copy.deepcopy(r) for r in self.records.values() if r.get("application_id") == application_id),
                      key=lambda r: (r["created_at"], r["_id"]), reverse=True)

    def delete_for_application(self, application_id):
        doomed = [i for i, r in self.records.items() if r.get("application_id") == application_id]
        for record_id in doomed:
            del self.records[record_id]
        return len(doomed)

    def with_status(self, status, limit, after=None):
        items = sorted((copy.deepcopy(r) for r in self.records.values() if r["status"] == status
                        and (after is None or (r["created_at"], r["_id"]) < after)),
                       key=lambda r: (r["created_at"], r["_id"]), reverse=True)
        return items[:limit]


class FakeSender:
    """Email and SMS at once: `failures` is a list of exceptions raised by the next sends, in order."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []  # (to, message key)
        self.failures: list[Exception] = []
        self.tries = 0
        self.attachments: list[list] = []  # each email send's attachments, tried or not

    def _send(self, to, key):
        self.tries += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, key))
        return f"id-{len(self.sent)}"

    def send(self, to, *args):
        # SmtpSender.send(to, subject, text, html, language, key, attachments); FileSmsSink.send(to, text, key)
        if len(args) >= 5:
            self.attachments.append(list(args[5]) if len(args) > 5 else [])
        return self._send(to, args[4] if len(args) >= 5 else args[1])


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def email():
    return FakeSender()


@pytest.fixture
def sms():
    return FakeSender()


@pytest.fixture
def n(clock, email, sms):
    """The service layer's dependencies, every one a fake but the (pure) certificate renderer."""
    log = FakeDeliveryLog()
    log.clock = clock
    return Dependencies(deliveries=log, email=email, sms=sms, events_sealer=Sealer(base64.b64decode(KEY)),
                        render_certificate=render_certificate, render_voucher=render_voucher,
                        intake_public_url="http://intake.test",
                        directory_public_url="http://directory.test", retry_base_seconds=1.0,
                        retry_max_seconds=120.0, give_up_hours=24.0, clock=clock)


@pytest.fixture
def submitted(n):
    """An ApplicationSubmitted envelope sealed with the test's key."""
    from eventkit.envelope import new_event

    sealed = n.events_sealer.seal({"email": "ayesha@example.pk", "mobile": "+923001234567"})
    return new_event("ApplicationSubmitted", "app123", {"application_id": "app123", "sealed": sealed,
                                                        "public": {"full_name": "Ayesha Khan"}, "language": "en"},
                     source="intake")


