"""Intake's worker: what each of verification's and payments' events does, in one table.

A decision moves the application on, from the statuses the lifecycle allows for it (an outcome from
an open application, the registration from one whose fee was due); one that arrives after the
applicant withdrew, or a second delivery of the same event, changes nothing. Payments' events keep
the application's fee voucher as the applicant sees it (service_layer/vouchers.py).
"""
import datetime as dt
import logging

from domainkit import lifecycle as registration
from eventkit.envelope import InvalidMessage
from intake.domain import application as lifecycle
from intake.domain.information import INFORMATION_REQUESTED
from intake.service_layer import erasure, information_requests, looks, vouchers
from intake.service_layer.dependencies import Dependencies

GROUP = "intake-decisions"
log = logging.getLogger(__name__)


def record_decision(deps: Dependencies, envelope: dict) -> bool:
    """Store the decision on its application, once per event; False when it changed nothing."""
    event_type = envelope["event_type"]
    payload = envelope["payload"]
    try:
        status = lifecycle.status_after(event_type, payload)
    except lifecycle.NotAStatus as exc:
        raise InvalidMessage(str(exc)) from None
    application_id = payload.get("application_id") or envelope["key"]
    reasons = [str(r) for r in payload.get("reasons", [])][:20]
    at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    decision = {"reasons": reasons}
    if status in lifecycle.WITH_REGISTRATION:
        decision.update(registration_number=payload["registration_number"], valid_until=payload["valid_until"])
        if payload.get("expires_at"):  # the exact end, which the renewal window counts from
            decision["expires_at"] = payload["expires_at"]
    holds = registration.holds_cnic(status, within_grace=True, revoked_blocks=deps.revoked_cnic_blocks)
    changed = deps.applications.record_decision(
        application_id, envelope["event_id"], lifecycle.decision_allowed_from(event_type), decision,
        lifecycle.timeline_entry(status, lifecycle.note_of(event_type, status, payload), at, reasons), holds_cnic=holds,
        reclaim=holds and event_type == registration.REGISTRATION_REINSTATED and not deps.revoked_cnic_blocks)
    if not changed:
        if not deps.applications.exists(application_id):
            raise InvalidMessage(f"decision for unknown application {application_id}")
        log.info("%s for %s changed nothing (already applied, or the application is closed)",
                 envelope["event_type"], application_id)
    return changed


def release_cnic_after_grace(deps: Dependencies, envelope: dict) -> bool:
    """RenewalGraceEnded: the expired registration can no longer be renewed, so its CNIC is free for a new
    application (domainkit.lifecycle.holds_cnic); once, and only while it is still expired."""
    application_id = envelope["payload"].get("application_id") or envelope["key"]
    at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    entry = lifecycle.timeline_entry(lifecycle.EXPIRED, "The renewal period ended: you may apply again", at)
    changed = deps.applications.end_renewal_grace(application_id, envelope["event_id"], entry)
    if not changed:
        log.info("RenewalGraceEnded for %s changed nothing (already applied, or not expired)", application_id)
    return changed


HANDLERS = {
    **{event_type: record_decision for event_type in lifecycle.DECISION_STATUS},
    lifecycle.RENEWAL_GRACE_ENDED: release_cnic_after_grace,
    INFORMATION_REQUESTED: information_requests.record_request,  # shown on the status page until answered
    erasure.ERASURE_COMPLETED: erasure.record_completion,  # a service erased what it held of an erased application
    "RecordViewed": looks.record_look,  # a reviewer looked at the record: the status page says who (role) and when
    **{event_type: vouchers.record_voucher_event for event_type in vouchers.VOUCHER_STATUS},
}


def handle_event(deps: Dependencies, envelope: dict) -> None:
    """Apply one of verification's or payments' events; the other event types on the topics are not
    intake's business."""
    handler = HANDLERS.get(envelope["event_type"])
    if handler is not None:
        handler(deps, envelope)
