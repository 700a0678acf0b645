"""Intake's reactions to verification's decisions: keep each application's status and timeline current.

A decision moves an open application (submitted or in review) on; one that arrives after
the applicant withdrew, or a second delivery of the same event, changes nothing.
"""
import datetime as dt
import logging

from eventkit.envelope import InvalidMessage
from eventkit.inbox import apply_once
from intake.bootstrap import intake_for
from intake.config import Config
from intake.domain import application as lifecycle

GROUP = "intake-decisions"
log = logging.getLogger(__name__)

NOTES = {
    lifecycle.IN_REVIEW: "Sent to a reviewer",
    lifecycle.APPROVED: "Approved",
    lifecycle.REJECTED: "Rejected",
}


def apply_decision(intake, envelope: dict) -> bool:
    """Store the decision on its application; False when it changed nothing."""
    status = lifecycle.DECISION_STATUS.get(envelope["event_type"])
    if status is None:
        return False  # another kind of verification event; not intake's concern
    payload = envelope["payload"]
    application_id = payload.get("application_id") or envelope["key"]
    if intake.applications.get(application_id, {"_id": 1}) is None:
        raise InvalidMessage(f"decision for unknown application {application_id}")
    reasons = [str(r) for r in payload.get("reasons", [])][:20]
    at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    decision = {"reasons": reasons}
    if status == lifecycle.APPROVED:
        decision.update(registration_number=payload["registration_number"], valid_until=payload["valid_until"])
    allowed_from = [lifecycle.SUBMITTED] if status == lifecycle.IN_REVIEW else list(lifecycle.OPEN)
    guard, mark = apply_once(envelope["event_id"])
    changed = intake.applications.update_if(
        application_id, {"status": {"$in": allowed_from}, **guard},
        {"$set": {"status": status, "decision": decision, "updated_at": at},
         "$push": {"timeline": lifecycle.timeline_entry(status, NOTES[status], at, reasons), **mark["$push"]}})
    if not changed:
        log.info("%s for %s changed nothing (already applied, or the application is closed)",
                 envelope["event_type"], application_id)
    return changed


def decision_handler(config: Config):
    """The handler the worker runs; intake's parts are built on the first event, after fork."""
    def handle(envelope: dict) -> None:
        apply_decision(intake_for(config), envelope)
    return handle
