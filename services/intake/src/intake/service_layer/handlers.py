"""Intake's worker: what each of verification's events does, in one table.

A decision moves an open application (submitted or in review) on; one that arrives after
the applicant withdrew, or a second delivery of the same event, changes nothing.
"""
import datetime as dt
import logging

from eventkit.envelope import InvalidMessage
from intake.domain import application as lifecycle
from intake.service_layer.dependencies import Dependencies

GROUP = "intake-decisions"
log = logging.getLogger(__name__)


def record_decision(deps: Dependencies, envelope: dict) -> bool:
    """Store the decision on its application, once per event; False when it changed nothing."""
    status = lifecycle.DECISION_STATUS[envelope["event_type"]]
    payload = envelope["payload"]
    application_id = payload.get("application_id") or envelope["key"]
    reasons = [str(r) for r in payload.get("reasons", [])][:20]
    at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    decision = {"reasons": reasons}
    if status == lifecycle.APPROVED:
        decision.update(registration_number=payload["registration_number"], valid_until=payload["valid_until"])
    changed = deps.applications.record_decision(
        application_id, envelope["event_id"], lifecycle.decision_allowed_from(status), decision,
        lifecycle.timeline_entry(status, lifecycle.DECISION_NOTES[status], at, reasons))
    if not changed:
        if not deps.applications.exists(application_id):
            raise InvalidMessage(f"decision for unknown application {application_id}")
        log.info("%s for %s changed nothing (already applied, or the application is closed)",
                 envelope["event_type"], application_id)
    return changed


HANDLERS = {
    "ApplicationFlagged": record_decision,
    "ApplicationApproved": record_decision,
    "ApplicationRejected": record_decision,
}


def handle_verification_event(deps: Dependencies, envelope: dict) -> None:
    """Apply one of verification's events; the other event types on the topic are not intake's business."""
    handler = HANDLERS.get(envelope["event_type"])
    if handler is not None:
        handler(deps, envelope)
