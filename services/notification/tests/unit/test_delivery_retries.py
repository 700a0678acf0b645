"""The service layer's delivery rules with a fake delivery log, fake senders and a test clock:
one attempt per channel per event, durable retries with capped backoff, the give-up horizon,
sends cut short by a crash, and operators' re-sends."""
import datetime as dt

import pytest

from notification.adapters import notifications as records
from notification.domain.messages import PermanentFailure, TransientFailure
from notification.service_layer import operations
from notification.service_layer.notify import (JITTER, SENDING_TIMEOUT, handle_event, retry_delay, retry_due,
                                               settle_stale_sends)

EMAIL_ID = "{}:email"


def transient():
    return TransientFailure("SMTP 451: try later")


def event_types(n):
    return [(e["event_type"], e["payload"]["channel"], e["payload"].get("reason")) for e in n.log.events]


def run_scheduler(n, clock, until: dt.timedelta, step=dt.timedelta(seconds=1)):
    """What the scheduler would do over `until` of time, polling every `step`."""
    end = clock.now + until
    while clock.now < end:
        while retry_due(n):
            pass
        clock.now += step


def test_backoff_doubles_from_the_base_up_to_the_cap_with_a_little_jitter():
    assert [retry_delay(k, 1, 120, rand=lambda: 0).total_seconds() for k in range(1, 10)] == [
        1, 2, 4, 8, 16, 32, 64, 120, 120]
    assert retry_delay(3, 1, 120, rand=lambda: 1).total_seconds() == pytest.approx(4 * (1 - JITTER))
    assert retry_delay(500, 1, 120, rand=lambda: 0.5).total_seconds() <= 120  # no overflow, never over the cap
    assert all(0.8 * 120 <= retry_delay(20, 1, 120).total_seconds() <= 120 for _ in range(100))


def test_each_event_gets_one_attempt_per_channel_and_a_second_delivery_sends_nothing(n, submitted, email, sms):
    handle_event(n, submitted)
    handle_event(n, submitted)  # redelivered
    assert email.tries == 1 and sms.tries == 1
    assert [r["status"] for r in n.log.records.values()] == ["sent", "sent"]
    assert all("envelope" not in r for r in n.log.records.values())  # dropped once sent
    assert event_types(n) == [("NotificationSent", "email", None), ("NotificationSent", "sms", None)]


def test_a_transient_failure_reschedules_without_sleeping_and_keeps_the_event(n, submitted, email, sms, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    record = n.log.records[EMAIL_ID.format(submitted["event_id"])]
    assert email.tries == 1  # one attempt, then the handler returns
    assert record["status"] == "retrying" and record["attempts"] == 1 and "451" in record["last_error"]
    assert clock.now + dt.timedelta(seconds=0.8) <= record["next_attempt_at"] <= clock.now + dt.timedelta(seconds=1)
    assert record["envelope"] == submitted
    assert sms.sent  # the other channel is not held back
    handle_event(n, submitted)  # a redelivery leaves the retry to the scheduler
    assert email.tries == 1

    assert not retry_due(n)  # not due yet
    clock.advance(seconds=1)
    assert retry_due(n)
    assert n.log.records[record["_id"]]["status"] == "sent" and email.sent[0][1] == record["_id"]
    assert n.log.records[record["_id"]]["attempts"] == 2


def test_retries_back_off_to_the_cap_and_deliver_once_the_server_is_back(n, submitted, email, clock):
    email.failures = [transient() for _ in range(12)]
    handle_event(n, submitted)
    record_id = EMAIL_ID.format(submitted["event_id"])
    pauses, last = [], clock.now
    for _ in range(11):
        due = n.log.records[record_id]["next_attempt_at"]
        pauses.append((due - last).total_seconds())
        clock.now = last = due
        assert retry_due(n)
    assert all(p <= 120 for p in pauses) and pauses[-1] >= 0.8 * 120 and pauses[0] <= 1
    clock.now = n.log.records[record_id]["next_attempt_at"]
    assert retry_due(n)
    assert n.log.records[record_id]["status"] == "sent" and len(email.sent) == 1
    assert n.log.records[record_id]["attempts"] == 13


def test_it_gives_up_once_the_horizon_has_passed_since_the_record_was_created(n, submitted, email, clock):
    email.failures = [transient() for _ in range(10_000)]
    handle_event(n, submitted)
    record_id = EMAIL_ID.format(submitted["event_id"])
    run_scheduler(n, clock, dt.timedelta(hours=23, minutes=58), step=dt.timedelta(seconds=30))
    assert n.log.records[record_id]["status"] == "retrying"
    run_scheduler(n, clock, dt.timedelta(minutes=5), step=dt.timedelta(seconds=30))
    record = n.log.records[record_id]
    assert record["status"] == "failed" and record["envelope"] == submitted  # kept for a re-send
    assert ("NotificationFailed", "email", "expired") in event_types(n)
    assert 700 < record["attempts"] < 740  # about one a 2 minutes for a day
    assert not retry_due(n)


def test_a_refused_address_fails_at_once(n, submitted, email):
    email.failures = [PermanentFailure("recipient refused: [550]")]
    handle_event(n, submitted)
    record = n.log.records[EMAIL_ID.format(submitted["event_id"])]
    assert record["status"] == "failed" and record["attempts"] == 1
    assert ("NotificationFailed", "email", "permanent") in event_types(n)


def test_one_scheduler_claims_a_due_record_once(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    clock.advance(seconds=2)
    assert n.log.claim_due(clock()) is not None
    assert n.log.claim_due(clock()) is None  # a second scheduler finds it claimed


def test_a_send_left_sending_becomes_uncertain_after_the_timeout_and_is_never_repeated(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    clock.advance(seconds=2)
    record = n.log.claim_due(clock())  # a scheduler claimed it, then died mid-send
    clock.advance(seconds=SENDING_TIMEOUT.total_seconds() - 1)
    assert settle_stale_sends(n) == 0
    clock.advance(seconds=2)
    assert settle_stale_sends(n) == 1
    assert n.log.records[record["_id"]]["status"] == "uncertain"
    assert ("NotificationFailed", "email", "uncertain") in event_types(n)
    run_scheduler(n, clock, dt.timedelta(minutes=10))
    handle_event(n, submitted)
    assert email.sent == []


def test_a_worker_that_died_during_the_first_send_leaves_it_uncertain_when_the_event_comes_again(n, submitted,
                                                                                                 email):
    n.log.open(EMAIL_ID.format(submitted["event_id"]), {"channel": "email"}, submitted)
    n.log.claim(EMAIL_ID.format(submitted["event_id"]), n.clock())  # …and died
    handle_event(n, submitted)
    assert n.log.records[EMAIL_ID.format(submitted["event_id"])]["status"] == "uncertain"
    assert [to for to, _ in email.sent] == []


def test_a_redelivered_event_does_not_touch_a_retry_the_scheduler_is_sending(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    clock.advance(seconds=2)
    n.log.claim_due(clock())  # the scheduler is sending it right now
    handle_event(n, submitted)
    assert n.log.records[EMAIL_ID.format(submitted["event_id"])]["status"] == "sending"


def failed_delivery(n, submitted, email):
    email.failures = [PermanentFailure("recipient refused: [550]")]
    handle_event(n, submitted)
    return EMAIL_ID.format(submitted["event_id"])


def test_an_operator_resends_a_failed_delivery_as_an_audited_delivery_of_its_own(n, submitted, email, clock):
    record_id = failed_delivery(n, submitted, email)
    clock.advance(minutes=3)
    resent = operations.resend(n, record_id, "zara", "mailbox fixed")
    assert resent["_id"] == f"{record_id}:resend-1" and resent["status"] == "retrying"
    assert (resent["resend_of"], resent["requested_by"], resent["reason"], resent["requested_at"]) == (
        record_id, "zara", "mailbox fixed", clock.now)
    assert n.log.records[record_id]["resent_as"] == [resent["_id"]]
    assert n.log.records[record_id]["status"] == "failed"  # the original's outcome stays on record
    assert retry_due(n)  # the scheduler sends it through the normal path
    assert email.sent == [("ayesha@example.pk", resent["_id"])]
    assert n.log.records[resent["_id"]]["status"] == "sent"
    with pytest.raises(operations.ResendRefused, match="is sent"):
        operations.resend(n, resent["_id"], "zara", "again")
    assert operations.resend(n, record_id, "omar", "once more")["_id"] == f"{record_id}:resend-2"


def test_a_resend_fails_over_to_retries_like_any_delivery(n, submitted, email, clock):
    record_id = failed_delivery(n, submitted, email)
    resent = operations.resend(n, record_id, "zara", "mailbox fixed")
    email.failures = [transient()]
    assert retry_due(n)
    assert n.log.records[resent["_id"]]["status"] == "retrying"
    clock.advance(seconds=2)
    assert retry_due(n) and n.log.records[resent["_id"]]["status"] == "sent"


@pytest.mark.parametrize("status", ["pending", "sending", "retrying", "sent"])
def test_a_resend_of_a_delivery_still_on_its_way_or_sent_is_refused(n, submitted, email, status):
    record_id = failed_delivery(n, submitted, email)
    n.log.records[record_id]["status"] = status
    with pytest.raises(operations.ResendRefused, match=f"is {status}"):
        operations.resend(n, record_id, "zara", "why not")
    assert "resent_as" not in n.log.records[record_id]


def test_a_resend_of_an_unknown_delivery_is_not_found(n):
    with pytest.raises(operations.DeliveryNotFound):
        operations.resend(n, "nope:email", "zara", "typo")


def test_only_failed_and_uncertain_deliveries_are_listed(n, submitted, email):
    record_id = failed_delivery(n, submitted, email)
    assert [r["_id"] for r in operations.deliveries_with_status(n, "failed", 10, None)["items"]] == [record_id]
    assert operations.deliveries_with_status(n, "uncertain", 10, None)["items"] == []
    with pytest.raises(ValueError):
        operations.deliveries_with_status(n, "sent", 10, None)


def test_cursors_round_trip_and_garbage_is_refused():
    at = dt.datetime(2026, 11, 30, 9, 0, 1, 123000, tzinfo=dt.timezone.utc)
    assert records.decode_cursor(records.encode_cursor(at, "abc:email")) == (at, "abc:email")
    for garbage in ("", "!!!", "bm9waXBl", "MTIz"):
        with pytest.raises(ValueError):
            records.decode_cursor(garbage)
