"""The service layer's delivery rules with a fake delivery log, fake senders and a test clock:
one attempt per channel per event, durable retries with capped backoff, the give-up horizon,
sends cut short by a crash or broken off after the message was handed over, the certificate
rendered before the send, and operators' re-sends (one at a time, none lost by a crash)."""
import dataclasses
import datetime as dt

import pytest

from eventkit.envelope import new_event
from notification.domain.messages import PermanentFailure, TransientFailure, UncertainFailure
from notification.service_layer import operations
from notification.service_layer.handlers import handle_event
from notification.service_layer.notify import JITTER, SENDING_TIMEOUT, retry_delay, retry_due, settle_stale_sends
from servicekit.cursors import decode_cursor, encode_cursor

EMAIL_ID = "{}:email"
ADDRESS = "203.0.113.7"  # where the operator's request came from


def transient():
    return TransientFailure("SMTP 451: try later")


def event_types(n):
    return [(e["event_type"], e["payload"]["channel"], e["payload"].get("reason")) for e in n.deliveries.events]


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
    assert [r["status"] for r in n.deliveries.records.values()] == ["sent", "sent"]
    assert all("envelope" not in r for r in n.deliveries.records.values())  # dropped once sent
    assert event_types(n) == [("NotificationSent", "email", None), ("NotificationSent", "sms", None)]


def test_a_transient_failure_reschedules_without_sleeping_and_keeps_the_event(n, submitted, email, sms, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    record = n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]
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
    assert n.deliveries.records[record["_id"]]["status"] == "sent" and email.sent[0][1] == record["_id"]
    assert n.deliveries.records[record["_id"]]["attempts"] == 2


def test_retries_back_off_to_the_cap_and_deliver_once_the_server_is_back(n, submitted, email, clock):
    email.failures = [transient() for _ in range(12)]
    handle_event(n, submitted)
    record_id = EMAIL_ID.format(submitted["event_id"])
    pauses, last = [], clock.now
    for _ in range(11):
        due = n.deliveries.records[record_id]["next_attempt_at"]
        pauses.append((due - last).total_seconds())
        clock.now = last = due
        assert retry_due(n)
    assert all(p <= 120 for p in pauses) and pauses[-1] >= 0.8 * 120 and pauses[0] <= 1
    clock.now = n.deliveries.records[record_id]["next_attempt_at"]
    assert retry_due(n)
    assert n.deliveries.records[record_id]["status"] == "sent" and len(email.sent) == 1
    assert n.deliveries.records[record_id]["attempts"] == 13


def test_it_gives_up_once_the_horizon_has_passed_since_the_record_was_created(n, submitted, email, clock):
    email.failures = [transient() for _ in range(10_000)]
    handle_event(n, submitted)
    record_id = EMAIL_ID.format(submitted["event_id"])
    run_scheduler(n, clock, dt.timedelta(hours=23, minutes=58), step=dt.timedelta(seconds=30))
    assert n.deliveries.records[record_id]["status"] == "retrying"
    run_scheduler(n, clock, dt.timedelta(minutes=5), step=dt.timedelta(seconds=30))
    record = n.deliveries.records[record_id]
    assert record["status"] == "failed" and record["envelope"] == submitted  # kept for a re-send
    assert ("NotificationFailed", "email", "expired") in event_types(n)
    assert 700 < record["attempts"] < 740  # about one a 2 minutes for a day
    assert not retry_due(n)


def test_a_refused_address_fails_at_once(n, submitted, email):
    email.failures = [PermanentFailure("recipient refused: [550]")]
    handle_event(n, submitted)
    record = n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]
    assert record["status"] == "failed" and record["attempts"] == 1
    assert ("NotificationFailed", "email", "permanent") in event_types(n)


def test_one_scheduler_claims_a_due_record_once(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    clock.advance(seconds=2)
    assert n.deliveries.claim_due(clock()) is not None
    assert n.deliveries.claim_due(clock()) is None  # a second scheduler finds it claimed


def test_a_send_left_sending_becomes_uncertain_after_the_timeout_and_is_never_repeated(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    clock.advance(seconds=2)
    record = n.deliveries.claim_due(clock())  # a scheduler claimed it, then died mid-send
    clock.advance(seconds=SENDING_TIMEOUT.total_seconds() - 1)
    assert settle_stale_sends(n) == 0
    clock.advance(seconds=2)
    assert settle_stale_sends(n) == 1
    assert n.deliveries.records[record["_id"]]["status"] == "uncertain"
    assert ("NotificationFailed", "email", "uncertain") in event_types(n)
    run_scheduler(n, clock, dt.timedelta(minutes=10))
    handle_event(n, submitted)
    assert email.sent == []


def test_a_worker_that_died_during_the_first_send_leaves_it_uncertain_when_the_event_comes_again(n, submitted,
                                                                                                 email):
    n.deliveries.open_claimed(EMAIL_ID.format(submitted["event_id"]), {"channel": "email"}, submitted,
                              n.now())  # …and died
    handle_event(n, submitted)
    assert n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]["status"] == "uncertain"
    assert [to for to, _ in email.sent] == []


def test_a_record_an_earlier_version_left_pending_is_claimed_and_sent_when_the_event_comes_again(n, submitted,
                                                                                                  email):
    n.deliveries.add_pending(EMAIL_ID.format(submitted["event_id"]), {"channel": "email"}, submitted, n.now())
    handle_event(n, submitted)
    assert n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]["status"] == "sent"
    assert len(email.sent) == 1


def test_a_redelivered_event_does_not_touch_a_retry_the_scheduler_is_sending(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    clock.advance(seconds=2)
    n.deliveries.claim_due(clock())  # the scheduler is sending it right now
    handle_event(n, submitted)
    assert n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]["status"] == "sending"


def failed_delivery(n, submitted, email):
    email.failures = [PermanentFailure("recipient refused: [550]")]
    handle_event(n, submitted)
    return EMAIL_ID.format(submitted["event_id"])


def test_an_operator_resends_a_failed_delivery_as_an_audited_delivery_of_its_own(n, submitted, email, clock):
    record_id = failed_delivery(n, submitted, email)
    clock.advance(minutes=3)
    resent = operations.resend(n, record_id, "zara", "mailbox fixed", ADDRESS)
    assert resent["_id"] == f"{record_id}:resend-1" and resent["status"] == "retrying"
    assert (resent["resend_of"], resent["requested_by"], resent["reason"], resent["requested_at"]) == (
        record_id, "zara", "mailbox fixed", clock.now)
    assert n.deliveries.records[record_id]["resent_as"] == [resent["_id"]]
    assert n.deliveries.records[record_id]["status"] == "failed"  # the original's outcome stays on record
    assert retry_due(n)  # the scheduler sends it through the normal path
    assert email.sent == [("ayesha@example.pk", resent["_id"])]
    assert n.deliveries.records[resent["_id"]]["status"] == "sent"
    with pytest.raises(operations.ResendRefused, match="is sent"):
        operations.resend(n, resent["_id"], "zara", "again", ADDRESS)
    assert operations.resend(n, record_id, "omar", "once more", ADDRESS)["_id"] == f"{record_id}:resend-2"


def test_a_resend_fails_over_to_retries_like_any_delivery(n, submitted, email, clock):
    record_id = failed_delivery(n, submitted, email)
    resent = operations.resend(n, record_id, "zara", "mailbox fixed", ADDRESS)
    email.failures = [transient()]
    assert retry_due(n)
    assert n.deliveries.records[resent["_id"]]["status"] == "retrying"
    clock.advance(seconds=2)
    assert retry_due(n) and n.deliveries.records[resent["_id"]]["status"] == "sent"


@pytest.mark.parametrize("status", ["pending", "sending", "retrying", "sent"])
def test_a_resend_of_a_delivery_still_on_its_way_or_sent_is_refused(n, submitted, email, status):
    record_id = failed_delivery(n, submitted, email)
    n.deliveries.records[record_id]["status"] = status
    with pytest.raises(operations.ResendRefused, match=f"is {status}"):
        operations.resend(n, record_id, "zara", "why not", ADDRESS)
    assert "resent_as" not in n.deliveries.records[record_id]


def test_a_resend_of_an_unknown_delivery_is_not_found(n):
    with pytest.raises(operations.DeliveryNotFound):
        operations.resend(n, "nope:email", "zara", "typo", ADDRESS)


def test_only_failed_and_uncertain_deliveries_are_listed(n, submitted, email):
    record_id = failed_delivery(n, submitted, email)
    assert [r["_id"] for r in operations.deliveries_with_status(n, "failed", 10, None)["items"]] == [record_id]
    assert operations.deliveries_with_status(n, "uncertain", 10, None)["items"] == []
    with pytest.raises(ValueError):
        operations.deliveries_with_status(n, "sent", 10, None)


def test_cursors_round_trip_and_garbage_is_refused():
    at = dt.datetime(2026, 11, 30, 9, 0, 1, 123000, tzinfo=dt.timezone.utc)
    assert decode_cursor(encode_cursor(at, "abc:email")) == (at, "abc:email")
    for garbage in ("", "!!!", "bm9waXBl", "MTIz"):
        with pytest.raises(ValueError):
            decode_cursor(garbage)


def test_a_send_broken_off_after_the_message_was_handed_over_is_uncertain_and_never_repeated(n, submitted, email,
                                                                                               clock):
    email.failures = [UncertainFailure("no answer to the message, which the server may have taken: timed out")]
    handle_event(n, submitted)
    record = n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]
    assert record["status"] == "uncertain" and record["attempts"] == 1 and "timed out" in record["last_error"]
    assert record["envelope"] == submitted  # kept for an operator's re-send
    assert ("NotificationFailed", "email", "uncertain") in event_types(n)
    run_scheduler(n, clock, dt.timedelta(minutes=30), step=dt.timedelta(seconds=30))
    handle_event(n, submitted)
    assert email.tries == 1
    assert operations.resend(n, record["_id"], "zara", "the applicant did not get it", ADDRESS)["status"] == "retrying"


def test_a_retry_broken_off_after_the_message_was_handed_over_is_uncertain_too(n, submitted, email, clock):
    email.failures = [transient(), UncertainFailure("SMTPServerDisconnected: Connection unexpectedly closed")]
    handle_event(n, submitted)
    run_scheduler(n, clock, dt.timedelta(minutes=30), step=dt.timedelta(seconds=30))
    record = n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]
    assert record["status"] == "uncertain" and record["attempts"] == 2 and email.tries == 2


def test_a_retry_found_due_after_the_horizon_fails_as_expired_without_being_sent(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    record_id = EMAIL_ID.format(submitted["event_id"])
    clock.advance(hours=30)  # the scheduler was down for more than a day
    assert retry_due(n)
    record = n.deliveries.records[record_id]
    assert record["status"] == "failed" and email.tries == 1 and email.sent == []
    assert record["attempts"] == 1  # counts sends tried: none was made for the expiry
    assert "DELIVERY_GIVE_UP_HOURS" in record["last_error"] and "451" in record["last_error"]
    assert record["envelope"] == submitted
    assert event_types(n)[-1] == ("NotificationFailed", "email", "expired")


def test_a_retry_due_before_the_horizon_is_still_sent(n, submitted, email, clock):
    email.failures = [transient()]
    handle_event(n, submitted)
    clock.advance(hours=23, minutes=59)
    assert retry_due(n) and n.deliveries.records[EMAIL_ID.format(submitted["event_id"])]["status"] == "sent"


@pytest.fixture
def approved(n):
    """An ApplicationApproved envelope (the email carries the certificate)."""
    contact = n.events_sealer.seal({"full_name": "Ayesha Khan", "email": "ayesha@example.pk",
                                    "mobile": "+923001234567"})
    return new_event("ApplicationApproved", "app123", {
        "application_id": "app123", "contact": contact, "language": "en",
        "registration_number": "PSEB-2026-000123-K", "valid_until": "2027-11-30",
        "profile": {"skills": ["python"]}}, source="verification")


def test_the_certificate_is_rendered_before_the_send_even_when_the_send_then_fails(n, approved, email, sms):
    email.failures = [transient()]
    handle_event(n, approved)
    [attachments] = email.attachments
    [(filename, content_type, pdf)] = attachments
    assert filename == "certificate-PSEB-2026-000123-K.pdf" and pdf.startswith(b"%PDF")
    assert sms.attachments == []  # SMS sends take none


def test_a_certificate_that_cannot_be_rendered_fails_that_delivery_at_once(n, approved, email, sms, clock, caplog):
    def broken(*args, **kwargs):
        raise ValueError("bad glyph")
    n = dataclasses.replace(n, render_certificate=broken)
    handle_event(n, approved)
    record = n.deliveries.records[EMAIL_ID.format(approved["event_id"])]
    assert record["status"] == "failed" and record["attempts"] == 0 and email.tries == 0
    assert record["last_error"] == "attachment not rendered: ValueError: bad glyph"
    assert record["envelope"] == approved  # an operator re-sends it once the renderer is fixed
    assert ("NotificationFailed", "email", "permanent") in event_types(n)
    assert n.deliveries.records[f"{approved['event_id']}:sms"]["status"] == "sent"  # the SMS needs no certificate
    assert any(r.exc_info and "could not be rendered" in r.getMessage() for r in caplog.records)
    run_scheduler(n, clock, dt.timedelta(minutes=10))
    assert email.tries == 0


def test_a_second_resend_is_refused_while_the_first_is_still_under_way(n, submitted, email, clock):
    record_id = failed_delivery(n, submitted, email)
    first = operations.resend(n, record_id, "zara", "mailbox fixed", ADDRESS)
    with pytest.raises(operations.ResendRefused, match=f"still under way: {first['_id']} is retrying"):
        operations.resend(n, record_id, "omar", "mailbox fixed", ADDRESS)
    n.deliveries.claim_due(clock())  # the scheduler is sending it
    with pytest.raises(operations.ResendRefused, match="still under way.*is sending"):
        operations.resend(n, record_id, "omar", "mailbox fixed", ADDRESS)
    assert [r for r in n.deliveries.records if ":resend-" in r] == [first["_id"]]
    assert n.deliveries.records[record_id]["resent_as"] == [first["_id"]]


def test_a_resend_that_ended_failed_or_uncertain_may_be_resent_as_the_original_s_next_resend(n, submitted, email,
                                                                                              clock):
    record_id = failed_delivery(n, submitted, email)
    first = operations.resend(n, record_id, "zara", "mailbox fixed", ADDRESS)
    email.failures = [PermanentFailure("recipient refused: [550]")]
    assert retry_due(n) and n.deliveries.records[first["_id"]]["status"] == "failed"
    # asked for the newest failed one (as the listing shows it): the original's next re-send
    second = operations.resend(n, first["_id"], "omar", "really fixed now", ADDRESS)
    assert (second["_id"], second["resend_of"]) == (f"{record_id}:resend-2", record_id)
    with pytest.raises(operations.ResendRefused, match="still under way"):
        operations.resend(n, first["_id"], "zara", "again", ADDRESS)  # resend-2 is on its way
    email.failures = [UncertainFailure("no answer to the message")]
    assert retry_due(n) and n.deliveries.records[second["_id"]]["status"] == "uncertain"
    third = operations.resend(n, record_id, "zara", "did it arrive?", ADDRESS)
    assert third["_id"] == f"{record_id}:resend-3"
    assert n.deliveries.records[record_id]["resent_as"] == [first["_id"], second["_id"], third["_id"]]
    assert n.deliveries.records[record_id]["status"] == "failed"


def test_two_resend_requests_at_once_let_one_through(n, submitted, email, monkeypatch):
    record_id = failed_delivery(n, submitted, email)
    first = operations.resend(n, record_id, "zara", "mailbox fixed", ADDRESS)
    # the second request read the re-sends before the first created its record
    monkeypatch.setattr(n.deliveries, "resends_of", lambda _: [])
    with pytest.raises(operations.ResendRefused, match=f"still under way: {first['_id']} was just made"):
        operations.resend(n, record_id, "omar", "mailbox fixed", ADDRESS)
    assert n.deliveries.records[first["_id"]]["requested_by"] == "zara"


def test_a_resend_is_not_lost_by_a_crash_before_the_original_lists_it(n, submitted, email, clock):
    record_id = failed_delivery(n, submitted, email)
    n.deliveries.crash_after_resend_record = True
    with pytest.raises(ConnectionError):
        operations.resend(n, record_id, "zara", "mailbox fixed", ADDRESS)
    n.deliveries.crash_after_resend_record = False
    assert "resent_as" not in n.deliveries.records[record_id]
    with pytest.raises(operations.ResendRefused, match=f"{record_id}:resend-1 is retrying"):
        operations.resend(n, record_id, "omar", "it did not answer", ADDRESS)  # found by its id
    assert retry_due(n) and email.sent == [("ayesha@example.pk", f"{record_id}:resend-1")]  # the request stands
    again = operations.resend(n, record_id, "omar", "once more", ADDRESS)
    assert again["_id"] == f"{record_id}:resend-2"
    assert n.deliveries.records[record_id]["resent_as"] == [f"{record_id}:resend-1", again["_id"]]  # filled in


def test_a_resend_records_the_client_address_and_the_time(n, submitted, email, clock):
    record_id = failed_delivery(n, submitted, email)
    clock.advance(minutes=7)
    resent = operations.resend(n, record_id, "zara", "mailbox fixed", "198.51.100.4")
    assert (resent["requested_from"], resent["requested_at"], resent["requested_by"]) == (
        "198.51.100.4", clock.now, "zara")


def lifecycle_event(n, event_type: str, language: str = "en", **payload) -> dict:
    """A lifecycle event carrying the contact sealed as verification seals it (and payments passes it on)."""
    contact = n.events_sealer.seal({"full_name": "Ayesha Khan", "email": "ayesha@example.pk",
                                    "mobile": "+923001234567"})
    return new_event(event_type, "app123", {"application_id": "app123", "contact": contact, "language": language,
                                            **payload}, source="test")


def test_the_fee_voucher_goes_by_email_with_its_pdf_and_by_sms_once(n, email, sms):
    issued = lifecycle_event(n, "VoucherIssued", voucher_number="7711000000000013", amount=1000,
                             due_date="2026-12-15")
    handle_event(n, issued)
    handle_event(n, issued)  # redelivered: nothing sent twice
    assert [to for to, _ in email.sent] == ["ayesha@example.pk"] and [to for to, _ in sms.sent] == ["+923001234567"]
    [[(filename, content_type, pdf)]] = email.attachments
    assert filename == "voucher-7711000000000013.pdf" and content_type == "application/pdf"
    assert pdf.startswith(b"%PDF")
    assert n.deliveries.records[EMAIL_ID.format(issued["event_id"])]["template"] == "fee_due"


def test_a_registration_issued_after_the_fee_sends_the_certificate(n, email):
    handle_event(n, lifecycle_event(n, "RegistrationIssued", registration_number="PSEB-2026-000124-K",
                                    valid_until="2027-12-01", profile={"skills": ["python"]}))
    [[(filename, _, _)]] = email.attachments
    assert filename == "certificate-PSEB-2026-000124-K.pdf"


def test_a_lapse_is_told_without_attachments(n, email, sms):
    handle_event(n, lifecycle_event(n, "ApplicationLapsed", language="ur", reasons=["fee not paid"]))
    assert email.attachments == [[]] and len(sms.sent) == 1
