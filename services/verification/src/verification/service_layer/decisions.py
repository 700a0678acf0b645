"""Deciding a case: automatically from the checks, or by a reviewer.

A decision is one conditional update of the case — its new state, the audit entry and
the event to publish together — applied only if the case is still in the state and at
the version the decision was made on, so a withdrawal or amendment that arrived
meanwhile is never overruled by a decision on stale data.
"""
import datetime as dt
import os
import socket

from domainkit.registration import format_registration_number
from verification.adapters.cases import now
from verification.bootstrap import Verification
from verification.domain import case as states
from verification.domain import checks as rules
from verification.domain import events
from verification.domain.case import SYSTEM, audit_entry
from verification.service_layer.intake_events import unseal_application


class CaseNotFound(Exception):
    pass


class CaseClosed(Exception):
    """Already decided, withdrawn, still being checked, or changed while the decision was made."""


class CaseLookups:
    """The checks' questions about other applications, answered for one case."""

    def __init__(self, v: Verification, case: dict):
        self.v, self.case = v, case

    def cnic_held_elsewhere(self, application_id: str) -> bool:
        return self.v.cases.cnic_held_elsewhere(application_id, self.case["indexes"]["cnic"])

    def contact_shared_with_other_identity(self, application_id: str) -> list[str]:
        return self.v.cases.contact_shared(application_id, self.case["indexes"])


def decide_automatically(v: Verification, application_id: str, caused_by: dict | None = None) -> str | None:
    """Run the checks on a case waiting for them and apply the outcome; returns it (None if nothing to do)."""
    case = v.cases.get(application_id)
    if case is None or case["state"] != states.CHECKING:
        return None
    facts, _ = unseal_application(v, {**case, "application_id": application_id})
    context = rules.Context(CaseLookups(v, case), v.today(), v.disposable_domains, v.blocklist)
    results = rules.run_checks(facts, context)
    outcome, reasons = rules.outcome_of(results)
    check_log = [r.as_dict() for r in results]
    detail = f"{outcome}: " + ("; ".join(reasons) or "all checks passed")
    if outcome == rules.APPROVE:
        applied = approve(v, case, SYSTEM, "Approved automatically: all checks passed", states.CHECKING,
                          caused_by, checks=check_log)
    elif outcome == rules.REJECT:
        applied = reject(v, case, SYSTEM, reasons, states.CHECKING, caused_by, checks=check_log)
    else:
        applied = _apply(v, case, states.CHECKING, states.IN_REVIEW, reasons,
                         audit_entry(SYSTEM, "sent_to_review", detail),
                         events.decision_event(events.FLAGGED, case, reasons, _contact(v, facts), caused_by),
                         checks=check_log)
    return outcome if applied else None


def decide_by_reviewer(v: Verification, application_id: str, reviewer: str, decision: str, reason: str) -> dict:
    case = v.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case["state"] != states.IN_REVIEW:
        raise CaseClosed(case["state"])
    actor = f"reviewer:{reviewer}"
    if decision == "approve":
        applied = approve(v, case, actor, reason or "Approved by a reviewer", states.IN_REVIEW)
    else:
        applied = reject(v, case, actor, [reason], states.IN_REVIEW)
    if not applied:
        raise CaseClosed("changed meanwhile")
    return v.cases.get(application_id)


def approve(v: Verification, case: dict, actor: str, note: str, from_state: str, caused_by=None, **extra) -> bool:
    facts, _ = unseal_application(v, {**case, "application_id": case["_id"]})
    approved_at = now()
    year = approved_at.year
    number = format_registration_number(year, v.numbers.next(year))
    valid_until = (approved_at.date() + dt.timedelta(days=v.config.validity_days)).isoformat()
    event = events.decision_event(events.APPROVED, case, [], _contact(v, facts), caused_by,
                                  registration_number=number, valid_until=valid_until,
                                  approved_at=approved_at.isoformat(), profile=events.profile_of(case),
                                  listed=bool(case["public"].get("listed")))
    decision = {"registration_number": number, "valid_until": valid_until}
    return _apply(v, case, from_state, states.APPROVED, [], audit_entry(actor, "approved", f"{note}; {number}"),
                  event, decision_extra=decision, by=actor, **extra)


def reject(v: Verification, case: dict, actor: str, reasons: list[str], from_state: str, caused_by=None,
           **extra) -> bool:
    facts, _ = unseal_application(v, {**case, "application_id": case["_id"]})
    event = events.decision_event(events.REJECTED, case, reasons, _contact(v, facts), caused_by)
    return _apply(v, case, from_state, states.REJECTED, reasons, audit_entry(actor, "rejected", "; ".join(reasons)),
                  event, by=actor, **extra)


def _apply(v: Verification, case: dict, from_state: str, to_state: str, reasons: list[str], audit: dict,
           event: dict, checks: list[dict] | None = None, decision_extra: dict | None = None,
           by: str = SYSTEM) -> bool:
    at = audit["at"]
    update = {"state": to_state, "reasons": reasons, "updated_at": at}
    if checks is not None:
        update["checks"] = checks
    if to_state in (states.APPROVED, states.REJECTED):
        update["decision"] = {"outcome": to_state, "by": by, "at": at, "reasons": reasons,
                              "worker": _process_name(), **(decision_extra or {})}
    return v.cases.update_if(case["_id"], {"state": from_state, "version": case["version"]},
                             {"$set": update, "$push": {"audit": audit}}, [event])


def _contact(v: Verification, facts) -> str:
    """What notification needs to reach the applicant, sealed so only it (and intake) can read it."""
    return v.events_sealer.seal({"full_name": facts.full_name, "email": facts.email, "mobile": facts.mobile})


def _process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
