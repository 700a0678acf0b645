"""Deciding a case: automatically from the checks, or by a reviewer.

A decision is one conditional write of the case (cases.transition) — its new state, the audit
entry and the event to publish together — applied only if the case is still in the state and at
the version the decision was made on, so a withdrawal or amendment that arrived meanwhile is never
overruled by a decision on stale data.
"""
import datetime as dt
import os
import socket

from domainkit.registration import format_registration_number
from verification.domain import case as states
from verification.domain import checks as rules
from verification.domain import events
from verification.domain.case import SYSTEM, audit_entry
from verification.service_layer.dependencies import Dependencies
from verification.service_layer.intake_events import unseal_application


class CaseNotFound(Exception):
    pass


class CaseClosed(Exception):
    """Already decided, withdrawn, still being checked, or changed while the decision was made."""


class CaseLookups:
    """The checks' questions about other applications, answered for one case from one query
    (the other cases under its CNIC, email or mobile), made when first asked."""

    def __init__(self, deps: Dependencies, case: dict):
        self.deps, self.case = deps, case
        self._others: list[dict] | None = None

    def _sharing(self) -> list[dict]:
        if self._others is None:
            self._others = self.deps.cases.sharing_identity(self.case["_id"], self.case["indexes"])
        return self._others

    def cnic_held_elsewhere(self, application_id: str) -> bool:
        cnic = self.case["indexes"]["cnic"]
        return any(other["indexes"]["cnic"] == cnic and other["state"] in states.HOLDS_IDENTITY
                   for other in self._sharing())

    def contact_shared_with_other_identity(self, application_id: str) -> list[str]:
        """Which of email and mobile a live case under a different CNIC also uses."""
        mine = self.case["indexes"]
        return [field for field in ("email", "mobile")
                if any(other["indexes"][field] == mine[field] and other["indexes"]["cnic"] != mine["cnic"]
                       and other["state"] != states.WITHDRAWN for other in self._sharing())]


def decide_automatically(deps: Dependencies, case: dict | None, caused_by: dict | None = None) -> str | None:
    """Run the checks on a case waiting for them and apply the outcome; returns it (None if nothing to do)."""
    if case is None or case["state"] != states.CHECKING:
        return None
    facts, _ = unseal_application(deps, {**case, "application_id": case["_id"]})
    context = rules.Context(CaseLookups(deps, case), deps.today(), deps.disposable_domains, deps.blocklist)
    results = rules.run_checks(facts, context)
    outcome, reasons = rules.outcome_of(results)
    check_log = [r.as_dict() for r in results]
    if outcome == rules.APPROVE:
        applied = approve(deps, case, facts, SYSTEM, "Approved automatically: all checks passed", caused_by,
                          checks=check_log)
    elif outcome == rules.REJECT:
        applied = reject(deps, case, facts, SYSTEM, reasons, caused_by, checks=check_log)
    else:
        detail = f"{outcome}: " + "; ".join(reasons)
        applied = deps.cases.transition(
            case, states.IN_REVIEW, reasons=reasons, audit=audit_entry(SYSTEM, "sent_to_review", detail, deps.now()),
            events=[events.decision_event(events.FLAGGED, case, reasons, _contact(deps, facts), caused_by)],
            checks=check_log)
    return outcome if applied else None


def decide_by_reviewer(deps: Dependencies, application_id: str, reviewer: str, decision: str, reason: str) -> None:
    """A reviewer's approval or rejection of a case waiting for review; CaseNotFound, or CaseClosed when it
    is not waiting (any more)."""
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case["state"] != states.IN_REVIEW:
        raise CaseClosed(case["state"])
    facts, _ = unseal_application(deps, {**case, "application_id": application_id})
    actor = f"reviewer:{reviewer}"
    if decision == "approve":
        applied = approve(deps, case, facts, actor, reason or "Approved by a reviewer")
    else:
        applied = reject(deps, case, facts, actor, [reason])
    if not applied:
        raise CaseClosed("changed meanwhile")


def approve(deps: Dependencies, case: dict, facts, actor: str, note: str, caused_by=None,
            checks: list[dict] | None = None) -> bool:
    """Give the case the year's next registration number and approve it (if it has not changed meanwhile)."""
    approved_at = deps.now()
    number = format_registration_number(approved_at.year, deps.numbers.next(approved_at.year))
    valid_until = (approved_at.date() + dt.timedelta(days=deps.validity_days)).isoformat()
    event = events.decision_event(events.APPROVED, case, [], _contact(deps, facts), caused_by,
                                  registration_number=number, valid_until=valid_until,
                                  approved_at=approved_at.isoformat(), profile=events.profile_of(case),
                                  listed=bool(case["public"].get("listed")))
    return deps.cases.transition(
        case, states.APPROVED, reasons=[], audit=audit_entry(actor, "approved", f"{note}; {number}", approved_at),
        events=[event], checks=checks,
        decision=_decision(states.APPROVED, actor, approved_at, [], registration_number=number,
                           valid_until=valid_until))


def reject(deps: Dependencies, case: dict, facts, actor: str, reasons: list[str], caused_by=None,
           checks: list[dict] | None = None) -> bool:
    at = deps.now()
    event = events.decision_event(events.REJECTED, case, reasons, _contact(deps, facts), caused_by)
    return deps.cases.transition(case, states.REJECTED, reasons=reasons,
                                 audit=audit_entry(actor, "rejected", "; ".join(reasons), at), events=[event],
                                 checks=checks, decision=_decision(states.REJECTED, actor, at, reasons))


def _decision(outcome: str, by: str, at: dt.datetime, reasons: list[str], **extra) -> dict:
    return {"outcome": outcome, "by": by, "at": at, "reasons": reasons, "worker": _process_name(), **extra}


def _contact(deps: Dependencies, facts) -> str:
    """What notification needs to reach the applicant, sealed so only it (and intake) can read it."""
    return deps.events_sealer.seal({"full_name": facts.full_name, "email": facts.email, "mobile": facts.mobile})


def _process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
