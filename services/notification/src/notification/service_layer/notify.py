"""Turning an event into the applicant's messages, each sent at most once per channel, and
retrying the ones that failed for a passing reason until they go out or the horizon passes.

Use cases, one function each:
- `tell_applicant` (the worker, through handlers.HANDLERS): for each channel, the delivery
  record (id "<event id>:<channel>") is opened with the event kept in it, and ONE attempt is made.
  A record found in any other state than pending means the event was handled before. An event that
  happened more than DELIVERY_GIVE_UP_HOURS ago is not sent at all: records expire (DELIVERY_LOG_DAYS),
  so a replayed old event may find none, and its message is long past use anyway.
- `retry_due` (the scheduler): claim one due retry and make one attempt — or none, when the
  give-up horizon passed while it waited (the scheduler was down): it fails as expired unsent.
- `settle_stale_sends` (the scheduler): records left `sending` by a process that died during
  the send become `uncertain` — the message may have gone out, so it is never sent again.

An attempt ends in one of: sent (NotificationSent); refused for good (failed, reason
permanent); broken off after the message was handed over, so it may have gone out
(uncertain, with NotificationFailed(uncertain); never tried again automatically, an operator
may re-send it); failed for a passing reason, which reschedules it (`retrying`, next attempt
after an exponential pause from DELIVERY_RETRY_SECONDS capped at DELIVERY_RETRY_MAX_SECONDS,
with a little jitter so a backlog does not come due at one instant), or, once
DELIVERY_GIVE_UP_HOURS have passed since the record was created, failed with reason expired. Nothing here sleeps:
the consumer's partition is never held while a mail server is down.

The approval's certificate (and the fee voucher) is rendered before the SMTP session starts. Rendering is a pure
function of the event (and this code): if it fails it would fail the same way on every retry,
so the delivery fails at once (reason permanent, the error logged with its traceback) and keeps
its event — an operator re-sends it once the cause is fixed — instead of retrying for a day.
"""
import datetime as dt
import logging
import random
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from designkit.vocabulary import translated_term
from domainkit.documents import LABELS as DOCUMENT_LABELS
from domainkit.reasons import localise
from domainkit.skills import SKILLS_BY_SLUG
from prometheus_client import Counter

from eventkit.envelope import InvalidMessage, new_event
from servicekit.crypto import KeyErased
from notification.domain.deliveries import PENDING, SENDING, delivery_id
from notification.domain.messages import (EMAIL, SMS, Message, PermanentFailure, TransientFailure, UncertainFailure,
                                          message_for)
from notification.service_layer.dependencies import Dependencies
from notification.service_layer.templates import render

log = logging.getLogger(__name__)
SENT_TOTAL = Counter("notifications_sent_total", "Messages delivered", ["channel", "template"])
FAILED_TOTAL = Counter("notifications_failed_total", "Messages given up on", ["channel", "template", "reason"])
RETRIED_TOTAL = Counter("notifications_retried_total", "Delivery attempts that will be tried again", ["channel"])
SKIPPED_TOTAL = Counter("notifications_skipped_total", "Events read more than DELIVERY_GIVE_UP_HOURS after they "
                        "happened: not sent", ["template"])

# A send is one SMTP session or one gateway request, each under a 10 s socket timeout; a record
# still `sending` this long after its claim was left by a process that died during the send.
SENDING_TIMEOUT = dt.timedelta(minutes=5)
JITTER = 0.2  # a pause is shortened by up to this fraction, at random


def retry_delay(failures: int, base_seconds: float, max_seconds: float, rand=random.random) -> dt.timedelta:
    """The pause after the `failures`-th failed attempt: base, 2×base, 4×base, … up to max_seconds,
    less up to JITTER of it at random (never more than the cap)."""
    seconds = min(max_seconds, base_seconds * 2 ** min(failures - 1, 60))
    return dt.timedelta(seconds=seconds * (1 - JITTER * rand()))


def give_up_at(deps: Dependencies, record: dict) -> dt.datetime:
    """DELIVERY_GIVE_UP_HOURS after the record was made, or sooner when the message stops being of use (a sign-in
    code's `expires_at`)."""
    horizon = record["created_at"] + dt.timedelta(hours=deps.give_up_hours)
    expires_at = ((record.get("envelope") or {}).get("payload") or {}).get("expires_at")
    if expires_at:
        horizon = min(horizon, dt.datetime.fromisoformat(expires_at))
    return horizon


def contact_of(deps: Dependencies, envelope: dict) -> dict:
    """Name, email, mobile and language from the event's `contact` part (sealed under the applicant's contact key;
    intake's and verification's events carry it), or, in intake's events of earlier versions, from the whole
    personal bundle under EVENT_PII_KEY. KeyErased when the applicant's data was erased."""
    payload = envelope["payload"]
    try:
        if payload.get("contact"):
            contact = deps.open_contact(payload["contact"])
        else:
            private = deps.events_sealer.unseal(payload["sealed"])
            contact = {"full_name": payload["public"]["full_name"], "email": private["email"],
                       "mobile": private["mobile"]}
    except (KeyError, TypeError, ValueError, InvalidTag) as exc:
        raise InvalidMessage(f"no readable contact in {envelope['event_type']}: {type(exc).__name__}") from exc
    return {**contact, "language": payload.get("language", "en")}


def message_context(deps: Dependencies, envelope: dict, contact: dict) -> dict:
    payload = envelope["payload"]
    application_id = envelope["key"]
    number = payload.get("registration_number")
    # verification's registration events carry the public profile as it is listed; intake's application events carry
    # it sealed under the identity key, which notification never gets (a string here): no skills from those
    profile = payload.get("profile") if isinstance(payload.get("profile"), dict) else {}
    return {
        "full_name": contact["full_name"], "application_id": application_id,
        "status_url": f"{deps.intake_public_url}/status?application_id={quote(application_id)}",
        "apply_url": f"{deps.intake_public_url}/",
        # verification's reasons are English sentences of domainkit.reasons: said again in the reader's language
        "reasons": [localise(str(r), contact.get("language", "en")) for r in payload.get("reasons", [])],
        "registration_number": number, "valid_until": payload.get("valid_until"),
        "verify_url": f"{deps.directory_public_url}/verify/{number}" if number else None,
        "skills": [translated_term(SKILLS_BY_SLUG[s].name, contact.get("language", "en")) if s in SKILLS_BY_SLUG else s
                   for s in profile.get("skills", [])],
        "voucher_number": payload.get("voucher_number"), "amount": payload.get("amount"),
        "due_date": payload.get("due_date"), "revoked_on": payload.get("revoked_on"),
        "status": payload.get("status"),
        "code": sealed_code(deps, envelope),
        # a reviewer's request for more information: their words, the documents named, the deadline
        "message": payload.get("message"), "respond_by": payload.get("respond_by"),
        "documents": [translated_term(DOCUMENT_LABELS.get(d, d), contact.get("language", "en"))
                      for d in payload.get("documents", [])],
        "fields_asked": bool(payload.get("fields")),
        "benefit": deps.tax_benefit.sentence(contact.get("language", "en")),  # what the registration is worth
        "sign_in_url": f"{deps.intake_public_url}/sign-in",
    }


def sealed_code(deps: Dependencies, envelope: dict) -> str | None:
    """A sign-in code's digits, unsealed (intake seals the code apart from the contact); None for other events."""
    if "code" not in envelope["payload"]:
        return None
    try:
        return deps.open_contact(envelope["payload"]["code"])["code"]
    except (KeyError, TypeError, ValueError, InvalidTag) as exc:
        raise InvalidMessage(f"no readable code in {envelope['event_type']}: {type(exc).__name__}") from exc


class Draft:
    """One event's message, rendered: what every channel's attempt sends."""

    def __init__(self, deps: Dependencies, envelope: dict, message: Message):
        self.envelope, self.message = envelope, message
        self.contact = contact_of(deps, envelope)
        self.context = message_context(deps, envelope, self.contact)
        self.parts = render(message.template, self.contact["language"], self.context)

    def address(self, channel: str) -> str:
        return self.contact["email"] if channel == EMAIL else self.contact["mobile"]


def too_old(deps: Dependencies, envelope: dict) -> bool:
    """Whether the event happened longer ago than its delivery records are surely kept (DELIVERY_LOG_DAYS, less a
    day of margin): its records may be gone, so only this keeps a replay of an old event (a consumer group reset,
    a replay of dead letters) from sending its message a second time. A backlog of a few days (intake or the
    worker down over a weekend) is still sent."""
    try:
        occurred_at = dt.datetime.fromisoformat(envelope["occurred_at"])
    except ValueError as exc:
        raise InvalidMessage(f"{envelope['event_type']}: occurred_at is not an ISO 8601 time") from exc
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=dt.timezone.utc)
    return deps.now() - occurred_at > dt.timedelta(days=deps.delivery_log_days - 1)


def tell_applicant(deps: Dependencies, envelope: dict) -> None:
    """The worker's use case: one attempt per channel of the message the event calls for (domain.messages);
    nothing for an event older than DELIVERY_GIVE_UP_HOURS (`too_old`), whether it was sent before or not."""
    message = message_for(envelope)
    if too_old(deps, envelope):
        SKIPPED_TOTAL.labels(message.template).inc()
        log.warning("%s %s for %s not sent: it happened at %s, more than DELIVERY_GIVE_UP_HOURS ago",
                    envelope["event_type"], envelope["event_id"], envelope["key"], envelope["occurred_at"])
        return
    try:
        draft = Draft(deps, envelope, message)
    except KeyErased:  # the applicant's data was erased (a replay, or a message that waited): nothing to send
        log.info("%s for %s not sent: the applicant's data was erased", envelope["event_type"], envelope["key"])
        return
    for channel in message.channels:
        first_attempt(deps, draft, channel)


def first_attempt(deps: Dependencies, draft: Draft, channel: str) -> None:
    """The event's attempt on `channel`: the delivery record is created already claimed (one write), then
    sent; an event that comes again finds its record and leaves it alone unless it is still to be tried."""
    envelope = draft.envelope
    record_id = delivery_id(envelope["event_id"], channel)
    record, created = deps.deliveries.open_claimed(record_id, {
        "application_id": envelope["key"], "event_id": envelope["event_id"], "event_type": envelope["event_type"],
        "channel": channel, "template": draft.message.template, "language": draft.contact["language"],
        "to": mask(draft.address(channel))}, envelope, deps.now())
    if created:
        attempt(deps, record, draft, channel)
        return
    if record["status"] == SENDING and record["attempts"] == 0:
        # A worker died during this very first send (the event came again): it may have gone
        # out, so never risk a second copy. A later attempt left `sending` is the scheduler's,
        # settled by settle_stale_sends.
        if deps.deliveries.mark_uncertain(record_id, "worker stopped during the send; not repeated",
                                          failed_event(envelope, channel, "uncertain"), deps.now(), attempts=0):
            FAILED_TOTAL.labels(channel, draft.message.template, "uncertain").inc()
        return
    if record["status"] != PENDING:
        return  # handled before: sent, failed, uncertain, or waiting for the scheduler
    # left pending by an earlier version (it opened and claimed in two writes) and not claimed since
    if not deps.deliveries.claim_pending(record_id, deps.now()):
        return  # another worker claimed it (after a rebalance)
    attempt(deps, record, draft, channel)


def retry_due(deps: Dependencies) -> bool:
    """The scheduler's use case: claim the earliest due retry, if any, and make one attempt — unless
    the give-up horizon has passed meanwhile (the scheduler was down, or behind): then it fails as
    expired without a send, rather than reaching the applicant days late.
    Returns whether there was one (the scheduler asks again at once when there was)."""
    record = deps.deliveries.claim_due(deps.now())
    if record is None:
        return False
    message, channel = message_for(record["envelope"]), record["channel"]
    now = deps.now()
    if now >= give_up_at(deps, record):
        give_up(deps, record, record["envelope"], channel, message.template,
                f"not sent within DELIVERY_GIVE_UP_HOURS: due since {record['next_attempt_at']:%Y-%m-%d %H:%M:%S}Z, "
                f"claimed at {now:%Y-%m-%d %H:%M:%S}Z (last error: {record.get('last_error')})", "expired",
                attempted=False)
        return True
    try:
        draft = Draft(deps, record["envelope"], message)
    except (InvalidMessage, KeyErased) as exc:  # the key changed, or was destroyed (erasure): no attempt can succeed
        deps.deliveries.mark_failed(record["_id"], str(exc), failed_event(record["envelope"], channel, "permanent"),
                                    deps.now())
        FAILED_TOTAL.labels(channel, message.template, "permanent").inc()
        log.error("%s for %s given up: %s", channel, record["application_id"], exc)
        return True
    attempt(deps, record, draft, channel)
    return True


def settle_stale_sends(deps: Dependencies) -> int:
    """The scheduler's use case: records claimed more than SENDING_TIMEOUT ago and still `sending`
    (the worker or scheduler died mid-send) become `uncertain`, with NotificationFailed(uncertain).
    Returns how many."""
    moved = deps.deliveries.mark_stale_sending_uncertain(deps.now() - SENDING_TIMEOUT, uncertain_event, deps.now())
    for record in moved:
        FAILED_TOTAL.labels(record["channel"], record["template"], "uncertain").inc()
        log.error("%s %s left sending since %s: marked uncertain, not repeated", record["channel"],
                  record["_id"], record.get("claimed_at"))
    return len(moved)


def attempt(deps: Dependencies, record: dict, draft: Draft, channel: str) -> None:
    """One send of a claimed (`sending`) record, and the record moved on by its outcome."""
    record_id, envelope, template = record["_id"], draft.envelope, draft.message.template
    try:
        attachments = attachments_for(deps, draft, channel)
    except Exception as exc:  # noqa: BLE001 - whatever the renderer raised, it would raise on every retry
        log.exception("%s %s: the attachment could not be rendered", channel, record_id)
        give_up(deps, record, envelope, channel, template,
                f"attachment not rendered: {type(exc).__name__}: {exc}", "permanent", attempted=False)
        return
    try:
        provider_id = send(deps, channel, draft, record_id, attachments)
    except PermanentFailure as exc:
        give_up(deps, record, envelope, channel, template, str(exc), "permanent")
        return
    except UncertainFailure as exc:
        if deps.deliveries.mark_uncertain(record_id, str(exc), failed_event(envelope, channel, "uncertain"),
                                          deps.now()):
            FAILED_TOTAL.labels(channel, template, "uncertain").inc()
        log.error("%s %s may have gone out: marked uncertain, not repeated: %s", channel, record_id, exc)
        return
    except TransientFailure as exc:
        failures = record["attempts"] + 1
        now = deps.now()
        if now >= give_up_at(deps, record):
            give_up(deps, record, envelope, channel, template, str(exc), "expired")
            return
        next_attempt_at = now + retry_delay(failures, deps.retry_base_seconds, deps.retry_max_seconds)
        deps.deliveries.reschedule(record_id, next_attempt_at, str(exc), now)
        RETRIED_TOTAL.labels(channel).inc()
        log.warning("%s %s failed (attempt %d), next at %s: %s", channel, record_id, failures,
                    next_attempt_at.isoformat(timespec="seconds"), exc)
        return
    if deps.deliveries.mark_sent(record_id, provider_id, sent_event(envelope, channel, template), deps.now()):
        SENT_TOTAL.labels(channel, template).inc()
    else:  # settled as uncertain meanwhile (this send outlasted SENDING_TIMEOUT): it stays so
        log.error("%s %s was sent after it had been marked uncertain", channel, record_id)


def attachments_for(deps: Dependencies, draft: Draft, channel: str) -> list[tuple[str, str, bytes]]:
    """The email's attachments, (filename, content type, bytes): the approval's certificate or the fee
    voucher, rendered here, before the SMTP session (a render error must not look like a failed or
    broken-off send)."""
    context = draft.context
    if channel != EMAIL:
        return []
    if draft.message.certificate:
        pdf = deps.render_certificate(draft.contact["full_name"], context["registration_number"], context["skills"],
                                      deps.now().date().isoformat(), context["valid_until"], context["verify_url"],
                                      benefit=(deps.tax_benefit.sentence("en"), deps.tax_benefit.sentence("ur")))
        return [(f"certificate-{context['registration_number']}.pdf", "application/pdf", pdf)]
    if draft.message.voucher:
        pdf = deps.render_voucher(draft.contact["full_name"], context["voucher_number"], context["amount"],
                                  context["due_date"], context["application_id"])
        return [(f"voucher-{context['voucher_number']}.pdf", "application/pdf", pdf)]
    return []


def send(deps: Dependencies, channel: str, draft: Draft, record_id: str, attachments: list) -> str:
    to, parts = draft.address(channel), draft.parts
    if channel == SMS:
        return deps.sms.send(to, parts["sms"], record_id)
    return deps.email.send(to, parts["subject"], parts["text"], parts["html"], draft.contact["language"], record_id,
                           attachments)


def give_up(deps: Dependencies, record: dict, envelope: dict, channel: str, template: str, error: str,
            reason: str, attempted: bool = True) -> None:
    deps.deliveries.mark_failed(record["_id"], error, failed_event(envelope, channel, reason), deps.now(),
                                attempted=attempted)
    FAILED_TOTAL.labels(channel, template, reason).inc()
    log.error("%s for %s given up (%s): %s", channel, envelope["key"], reason, error)


def sent_event(envelope: dict, channel: str, template: str) -> dict:
    return new_event("NotificationSent", envelope["key"], {"application_id": envelope["key"], "channel": channel,
                                                           "template": template}, source="notification",
                     caused_by=envelope)


def failed_event(envelope: dict, channel: str, reason: str) -> dict:
    return new_event("NotificationFailed", envelope["key"], {"application_id": envelope["key"], "channel": channel,
                                                             "reason": reason}, source="notification",
                     caused_by=envelope)


def uncertain_event(record: dict) -> dict:
    """NotificationFailed(uncertain) for a record, caused by its kept event (a record written before
    events were kept has none: the event then starts a correlation of its own)."""
    envelope = record.get("envelope")
    if envelope:
        return failed_event(envelope, record["channel"], "uncertain")
    return new_event("NotificationFailed", record["application_id"],
                     {"application_id": record["application_id"], "channel": record["channel"],
                      "reason": "uncertain"}, source="notification")


def mask(address: str) -> str:
    """Enough to tell records apart in the operator's view, not enough to contact anyone."""
    if "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return address[:5] + "*****" + address[-2:]
