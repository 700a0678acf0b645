"""Deciding a case: automatically from the checks, or by a reviewer.

A decision is one conditional write of the case (a domain.case.Transition) — its new state, the
audit entry and the event to publish together — applied only if the case is still in the state
and at the version the decision was made on, so a withdrawal or amendment that arrived meanwhile
is never overruled by a decision on stale data.
"""
import dataclasses
import datetime as dt
import os
import socket

from domainkit.registration import format_registration_number
from verification.domain import case as states
from verification.domain import checks as rules
from verification.domain import events
from verification.domain.case import SYSTEM, OtherCases, Transition, audit_entry
from verification.domain.facts import ApplicationFacts
from verification.domain.information import answered_by_amendment
from verification.domain.registration import expiry_of
from verification.service_layer.dependencies import Dependencies
from verification.service_layer.intake_events import unseal_application

# the state each verdict of the checks leaves a case in (an approval is in principle: the fee comes next)
OUTCOME_STATES = {rules.APPROVE: states.AWAITING_PAYMENT, rules.REJECT: states.REJECTED, rules.REVIEW: states.IN_REVIEW}


class CaseNotFound(Exception):
    pass


class CaseClosed(Exception):
    """Already decided, withdrawn, still being checked, or changed while the decision was made."""


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What the checks made of a case."""
    outcome: str  # rules.APPROVE, REJECT or REVIEW
    reasons: list[str]
    checks: list[dict]


@dataclasses.dataclass(frozen=True)
class Approval:
    """A registration number and when it was given."""
    number: str
    at: dt.datetime


def facts_of(deps: Dependencies, case: dict) -> ApplicationFacts:
    return unseal_application(deps, {**case, "application_id": case["_id"]})[0]


def check(deps: Dependencies, case: dict, facts: ApplicationFacts, others: list[dict]) -> Verdict:
    """Run the checks on the case, `others` being the other cases under its CNIC, email or mobile."""
    context = rules.Context(OtherCases(case, others), deps.today(), deps.disposable_domains, deps.blocklist)
    results = rules.run_checks(facts, context)
    outcome, reasons = rules.outcome_of(results)
    return Verdict(outcome, reasons, [r.as_dict() for r in results])


def draw_approvals(deps: Dependencies, count: int) -> list[Approval]:
    """`count` registration numbers of this year, reserved together."""
    if count == 0:
        return []
    at = deps.now()
    first = deps.numbers.next_block(at.year, count)
    return [Approval(format_registration_number(at.year, first + i), at) for i in range(count)]


def automatic_decision(deps: Dependencies, case: dict, facts: ApplicationFacts, verdict: Verdict,
                       caused_by: dict | None) -> Transition:
    """The change the checks' verdict makes to a case waiting for them. A case whose amendment answers a reviewer's
    request for more information (domain.information) goes back to that review rather than being approved."""
    answered = answered_by_amendment(case, deps.now())
    if verdict.outcome == rules.APPROVE and answered is None:
        return approve(deps, case, facts, SYSTEM, "Approved automatically: all checks passed", caused_by,
                       verdict.checks)
    if verdict.outcome == rules.REJECT:
        return dataclasses.replace(reject(deps, case, facts, SYSTEM, verdict.reasons, caused_by, verdict.checks),
                                   information_request=answered)
    reasons = verdict.reasons or case.get("reasons", [])  # clean now, but the reviewer who asked decides
    note = f"{verdict.outcome}: " + "; ".join(verdict.reasons) if verdict.reasons else \
        "the applicant amended the application a reviewer asked about"
    return Transition(case, states.IN_REVIEW, reasons, audit_entry(SYSTEM, "sent_to_review", note, deps.now()),
                      [events.decision_event(events.FLAGGED, case, reasons, contact_of(deps, facts), caused_by)],
                      checks=verdict.checks, information_request=answered)


def decide_automatically(deps: Dependencies, case: dict | None, caused_by: dict | None = None) -> str | None:
    """Run the checks on a case waiting for them and apply the outcome; returns it (None if nothing to do)."""
    if case is None or case["state"] != states.CHECKING:
        return None
    facts = facts_of(deps, case)
    verdict = check(deps, case, facts, deps.cases.sharing_identity(case["_id"], case["indexes"]))
    applied = deps.cases.transition(automatic_decision(deps, case, facts, verdict, caused_by))
    return verdict.outcome if applied else None


def decide_by_reviewer(deps: Dependencies, application_id: str, reviewer: str, decision: str, reason: str) -> None:
    """A reviewer's approval or rejection of an application waiting for review; CaseNotFound, or CaseClosed
    when it is not waiting (any more), or another reviewer claimed it meanwhile (service_layer.reviewing checks
    the claim first, and decides renewals too)."""
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case["state"] != states.IN_REVIEW:
        raise CaseClosed(case["state"])
    actor = f"reviewer:{reviewer}"
    facts = facts_of(deps, case)
    if decision == "approve":
        change = approve(deps, case, facts, actor, reason or "Approved by a reviewer")
    else:
        change = reject(deps, case, facts, actor, [reason])
    if not deps.cases.transition(dataclasses.replace(change, decided_by_reviewer=reviewer)):
        raise CaseClosed("changed meanwhile")


def approve(deps: Dependencies, case: dict, facts: ApplicationFacts, actor: str, note: str,
            caused_by: dict | None = None, checks: list[dict] | None = None) -> Transition:
    """The approval in principle: the case waits for its fee (ApplicationApprovedInPrinciple, on which payments
    issues a voucher in `payer_name`). No registration number yet: that is drawn when the fee is paid
    (service_layer.fees), so an unpaid voucher leaves no gap-less number behind it."""
    at = deps.now()
    event = events.decision_event(events.APPROVED_IN_PRINCIPLE, case, [], contact_of(deps, facts), caused_by,
                                  **payer_of(case))
    return Transition(case, states.AWAITING_PAYMENT, [], audit_entry(actor, "approved_in_principle", note, at),
                      [event], checks=checks, decision=decision_record(states.AWAITING_PAYMENT, actor, at, []))


def register(deps: Dependencies, case: dict, facts: ApplicationFacts, actor: str, note: str, approval: Approval,
             event_type: str, action: str, caused_by: dict | None = None,
             checks: list[dict] | None = None) -> Transition:
    """The case registered under `approval`'s number, valid for REGISTRATION_VALIDITY_DAYS from then (with its
    reminders before the expiry: domain.registration), with `event_type` carrying what intake, notification
    and the directory need (RegistrationIssued once the fee is paid)."""
    expiry = expiry_of(approval.at, deps.validity_days, deps.reminder_days)
    valid_until = expiry.valid_until.isoformat()
    event = events.decision_event(event_type, case, [], contact_of(deps, facts), caused_by,
                                  registration_number=approval.number, valid_until=valid_until,
                                  expires_at=expiry.expires_at.isoformat(), approved_at=approval.at.isoformat(),
                                  profile=events.profile_of(case), listed=bool(case["public"].get("listed")))
    decision = decision_record(states.APPROVED, actor, approval.at, [], registration_number=approval.number,
                               valid_until=valid_until)
    return Transition(case, states.APPROVED, [], audit_entry(actor, action, f"{note}; {approval.number}", approval.at),
                      [event], checks=checks, decision=decision, expiry=expiry)


def reject(deps: Dependencies, case: dict, facts: ApplicationFacts, actor: str, reasons: list[str],
           caused_by: dict | None = None, checks: list[dict] | None = None) -> Transition:
    at = deps.now()
    event = events.decision_event(events.REJECTED, case, reasons, contact_of(deps, facts), caused_by)
    return Transition(case, states.REJECTED, reasons, audit_entry(actor, "rejected", "; ".join(reasons), at), [event],
                      checks=checks, decision=decision_record(states.REJECTED, actor, at, reasons))


def decision_record(outcome: str, by: str, at: dt.datetime, reasons: list[str], **extra) -> dict:
    """What the case keeps of a decision: its outcome, who made it and when, why, and which process wrote it."""
    return {"outcome": outcome, "by": by, "at": at, "reasons": reasons, "worker": _process_name(), **extra}


def contact_of(deps: Dependencies, facts: ApplicationFacts) -> str:
    """What notification needs to reach the applicant, sealed so only it (and intake) can read it: the part intake
    sealed under the applicant's contact key, forwarded; for an application of an earlier version (no such part),
    sealed under the shared EVENT_PII_KEY as then."""
    if facts.sealed_contact:
        return facts.sealed_contact
    return deps.events_sealer.seal({"full_name": facts.full_name, "email": facts.email, "mobile": facts.mobile})


def payer_of(case: dict) -> dict:
    """Whom the fee voucher is made out to, for payments: intake's `payer` part (the name under the applicant's
    payer key, which verification cannot open) passed on; for a case of an earlier version, `payer_name` in clear."""
    return {"payer": case["payer"]} if case.get("payer") else {"payer_name": case["public"]["full_name"]}


def _process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
