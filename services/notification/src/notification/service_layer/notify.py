"""Turning an event into the applicant's messages, each sent at most once per channel.

For each channel the delivery log record (id "<event id>:<channel>") is opened first;
a record already sent, failed or uncertain means this event was handled before. A
transient failure is retried with doubling pauses up to DELIVERY_MAX_ATTEMPTS, then
recorded as failed; a permanent one (a refused address) is recorded at once. Either
way a NotificationFailed event is published; a success publishes NotificationSent.
"""
import logging
import time
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from domainkit.skills import SKILLS_BY_SLUG
from prometheus_client import Counter

from eventkit.envelope import InvalidMessage, new_event
from notification.adapters import notifications as records
from notification.adapters.certificate import render_certificate
from notification.bootstrap import Notification
from notification.domain.messages import BY_EVENT, EMAIL, SMS, PermanentFailure, TransientFailure
from notification.service_layer.templates import render

log = logging.getLogger(__name__)
SENT_TOTAL = Counter("notifications_sent_total", "Messages delivered", ["channel", "template"])
FAILED_TOTAL = Counter("notifications_failed_total", "Messages given up on", ["channel", "template", "reason"])
RETRIED_TOTAL = Counter("notifications_retried_total", "Delivery attempts that will be tried again", ["channel"])


def contact_of(n: Notification, envelope: dict) -> dict:
    """Name, email, mobile and language from intake's sealed application or verification's sealed contact."""
    payload = envelope["payload"]
    try:
        if "contact" in payload:
            contact = n.events_sealer.unseal(payload["contact"])
        else:
            private = n.events_sealer.unseal(payload["sealed"])
            contact = {"full_name": payload["public"]["full_name"], "email": private["email"],
                       "mobile": private["mobile"]}
    except (KeyError, TypeError, ValueError, InvalidTag) as exc:
        raise InvalidMessage(f"no readable contact in {envelope['event_type']}: {type(exc).__name__}") from exc
    return {**contact, "language": payload.get("language", "en")}


def message_context(n: Notification, envelope: dict, contact: dict) -> dict:
    payload = envelope["payload"]
    application_id = envelope["key"]
    number = payload.get("registration_number")
    return {
        "full_name": contact["full_name"], "application_id": application_id,
        "status_url": f"{n.config.intake_public_url}/status?application_id={quote(application_id)}",
        "apply_url": f"{n.config.intake_public_url}/", "reasons": payload.get("reasons", []),
        "registration_number": number, "valid_until": payload.get("valid_until"),
        "verify_url": f"{n.config.directory_public_url}/verify/{number}" if number else None,
        "skills": [SKILLS_BY_SLUG[s].name if s in SKILLS_BY_SLUG else s
                   for s in payload.get("profile", {}).get("skills", [])],
    }


def handle_event(n: Notification, envelope: dict) -> None:
    message = BY_EVENT.get(envelope["event_type"])
    if message is None:
        return
    contact = contact_of(n, envelope)
    context = message_context(n, envelope, contact)
    parts = render(message.template, contact["language"], context)
    for channel in message.channels:
        deliver(n, envelope, channel, message, contact, parts, context)


def deliver(n: Notification, envelope: dict, channel: str, message, contact: dict, parts: dict, context: dict):
    record_id = f"{envelope['event_id']}:{channel}"
    to = contact["email"] if channel == EMAIL else contact["mobile"]
    record = n.log.open(record_id, {"application_id": envelope["key"], "event_id": envelope["event_id"],
                                    "event_type": envelope["event_type"], "channel": channel,
                                    "template": message.template, "language": contact["language"],
                                    "to": mask(to)})
    if record["status"] in records.FINAL:
        return
    if record["status"] == records.SENDING:
        # A worker died during this very send: it may have gone out. Never risk a second copy.
        n.log.move(record_id, records.SENDING, records.UNCERTAIN, [failed_event(envelope, channel, "uncertain")],
                   last_error="worker stopped during the send; not repeated")
        FAILED_TOTAL.labels(channel, message.template, "uncertain").inc()
        return
    attempts = record["attempts"]
    status = record["status"]
    while True:
        if not n.log.move(record_id, status, records.SENDING):
            return  # another worker moved it on (after a rebalance)
        try:
            provider_id = send(n, channel, to, parts, contact, context, message, record_id)
        except PermanentFailure as exc:
            give_up(n, envelope, record_id, channel, message, str(exc), "permanent")
            return
        except TransientFailure as exc:
            attempts += 1
            if attempts >= n.config.max_attempts:
                give_up(n, envelope, record_id, channel, message, str(exc), "attempts")
                return
            n.log.move(record_id, records.SENDING, records.RETRYING, last_error=str(exc)[:500])
            RETRIED_TOTAL.labels(channel).inc()
            log.warning("%s to %s failed (attempt %d), retrying: %s", channel, mask(to), attempts, exc)
            time.sleep(n.config.retry_base_seconds * 2 ** (attempts - 1))
            status = records.RETRYING
            continue
        n.log.move(record_id, records.SENDING, records.SENT, [sent_event(envelope, channel, message.template)],
                   sent_at=records.now(), provider_id=provider_id, last_error=None)
        SENT_TOTAL.labels(channel, message.template).inc()
        return


def send(n: Notification, channel: str, to: str, parts: dict, contact: dict, context: dict, message,
         record_id: str) -> str:
    if channel == SMS:
        return n.sms.send(to, parts["sms"], record_id)
    attachments = []
    if message.certificate:
        pdf = render_certificate(contact["full_name"], context["registration_number"],
                                 context["skills"], records.now().date().isoformat(),
                                 context["valid_until"], context["verify_url"])
        attachments.append((f"certificate-{context['registration_number']}.pdf", "application/pdf", pdf))
    return n.email.send(to, parts["subject"], parts["text"], parts["html"], contact["language"], record_id,
                        attachments)


def give_up(n, envelope, record_id, channel, message, error: str, reason: str) -> None:
    n.log.move(record_id, records.SENDING, records.FAILED, [failed_event(envelope, channel, reason)],
               last_error=error[:500])
    FAILED_TOTAL.labels(channel, message.template, reason).inc()
    log.error("%s for %s given up (%s): %s", channel, envelope["key"], reason, error)


def sent_event(envelope: dict, channel: str, template: str) -> dict:
    return new_event("NotificationSent", envelope["key"], {"application_id": envelope["key"], "channel": channel,
                                                           "template": template}, source="notification",
                     caused_by=envelope)


def failed_event(envelope: dict, channel: str, reason: str) -> dict:
    return new_event("NotificationFailed", envelope["key"], {"application_id": envelope["key"], "channel": channel,
                                                             "reason": reason}, source="notification",
                     caused_by=envelope)


def mask(address: str) -> str:
    """Enough to tell records apart in the operator's view, not enough to contact anyone."""
    if "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return address[:5] + "*****" + address[-2:]
