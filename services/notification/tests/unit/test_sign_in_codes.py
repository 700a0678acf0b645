"""A one-time sign-in code (intake's SignInCodeRequested): sent once, only on the channel asked for, with the
code unsealed into the message, and never retried after the code has expired."""
import datetime as dt

from eventkit.envelope import new_event
from notification.domain.messages import TransientFailure
from notification.service_layer.handlers import handle_event
from notification.service_layer.notify import retry_due


def code_requested(n, clock, channel: str, minutes: int = 10) -> dict:
    seal = n.events_sealer.seal
    contact = seal({"full_name": "Ayesha Khan", "email": "ayesha@example.pk", "mobile": "+923001234567"})
    return new_event("SignInCodeRequested", "app123", {
        "application_id": "app123", "channel": channel, "contact": contact, "code": seal({"code": "042917"}),
        "language": "ur", "expires_at": (clock.now + dt.timedelta(minutes=minutes)).isoformat()}, source="intake")


def test_the_code_goes_once_by_email_only_in_the_applicants_language(n, clock, email, sms):
    event = code_requested(n, clock, "email")
    handle_event(n, event)
    handle_event(n, event)  # redelivered
    assert email.tries == 1 and sms.tries == 0
    record = next(iter(n.deliveries.records.values()))
    assert record["template"] == "sign_in_code" and record["language"] == "ur" and record["status"] == "sent"


def test_by_sms_when_asked(n, clock, email, sms):
    handle_event(n, code_requested(n, clock, "sms"))
    assert sms.sent == [("+923001234567", next(iter(n.deliveries.records)))] and email.tries == 0


def test_a_failed_send_is_not_retried_once_the_code_has_expired(n, clock, email):
    email.failures = [TransientFailure("SMTP 451: try later")] * 3
    handle_event(n, code_requested(n, clock, "email", minutes=2))
    record_id = next(iter(n.deliveries.records))
    assert n.deliveries.records[record_id]["status"] == "retrying"
    clock.advance(minutes=3)  # DELIVERY_GIVE_UP_HOURS is a day; the code lasted two minutes
    assert retry_due(n)
    assert n.deliveries.records[record_id]["status"] == "failed" and email.tries == 1
