"""Renewing a registration: the request checked, a reviewer's decision on a flagged one, the renewal's
fee, and the outcome (docs/lifecycle.md).

- RenewalRequested (intake): a registration in force or expired is checked (domain.renewal). Clean, it is
  approved in principle: the case waits for the renewal fee (`renewal_awaiting_payment`), and
  RenewalApprovedInPrinciple asks payments for a voucher of the renewal's own fee cycle. Flagged, it
  waits for a reviewer (`renewal_in_review`). Outside its window, it is refused (RenewalRejected).
- FeePaid for that fee cycle: the registration is renewed (RegistrationRenewed) one period past its old
  expiry, with the same number and new reminders; the directory, intake and notification (a new
  certificate) follow.
- VoucherExpired for that fee cycle, or a reviewer's refusal: RenewalRejected, back to `approved`, or to
  `expired` (its grace period running from the old expiry) when the validity ended meanwhile.

While a renewal is under way the scheduler leaves the registration alone: it neither reminds nor
expires it, and the public sees it expired by its date if the date passes first. Every move is one
conditional write of the case with its event, like every decision, so redeliveries change nothing.
"""
import datetime as dt
import logging

from domainkit.documents import KINDS
from domainkit.lifecycle import expires_at_of
from domainkit.reasons import reason
from eventkit.envelope import InvalidMessage
from verification.domain import case as states
from verification.domain import checks as rules
from verification.domain import events
from verification.domain.board_actions import validity_ended
from verification.domain.case import SYSTEM, OtherCases, Transition, audit_entry
from verification.domain.registration import expired, renewed_expiry
from verification.domain.renewal import RenewalRequest, fee_cycle_of, outcome_of, run_renewal_checks
from verification.service_layer import decisions
from verification.service_layer.dependencies import Dependencies

RENEWABLE = (states.APPROVED, states.EXPIRED)
log = logging.getLogger(__name__)


def _occurred_at(envelope: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))


def receive_request(deps: Dependencies, envelope: dict) -> str | None:
    """RenewalRequested: check the request and apply the outcome; the outcome, or None when it changed nothing
    (a redelivery, or a registration revoked or being renewed meanwhile)."""
    application_id = envelope["payload"].get("application_id") or envelope["key"]
    case = deps.cases.get(application_id)
    if case is None or not (case.get("decision") or {}).get("registration_number"):
        raise InvalidMessage(f"RenewalRequested for {application_id}, which has no registration")
    if case["state"] not in RENEWABLE or (case.get("renewal") or {}).get("event_id") == envelope["event_id"]:
        log.info("RenewalRequested for %s changed nothing: the case is %s", application_id, case["state"])
        return None
    sent = envelope["payload"].get("documents", [])
    documents = [d for d in sent if isinstance(d, dict) and d.get("kind") in KINDS]
    for document in documents:
        deps.cases.record_document(application_id, {
            "kind": document["kind"], "content_type": document.get("content_type"), "size": document.get("size"),
            "uploaded_at": envelope["occurred_at"]})
    request = RenewalRequest(envelope["event_id"], _occurred_at(envelope), tuple(d["kind"] for d in documents),
                             envelope["payload"].get("profile_confirmed") is True, _expires_at(case),
                             deps.renewal_opens_days_before, deps.renewal_grace_days)
    facts = decisions.facts_of(deps, case)
    context = rules.Context(OtherCases(case, []), deps.today(), deps.disposable_domains, deps.blocklist)
    results = run_renewal_checks(request, facts, context)
    outcome, reasons = outcome_of(results)
    renewal = {"event_id": request.event_id, "requested_at": request.requested_at, "from_state": case["state"],
               "fee_cycle": fee_cycle_of(request.event_id), "checks": [r.as_dict() for r in results]}
    if outcome == rules.APPROVE:
        change = _approve_in_principle(deps, case, facts, renewal, SYSTEM, "All renewal checks passed", envelope)
    elif outcome == rules.REVIEW:
        change = Transition(case, states.RENEWAL_IN_REVIEW, reasons,
                            audit_entry(SYSTEM, "renewal_sent_to_review", "; ".join(reasons), deps.now()), [],
                            renewal=renewal)
    else:
        change = _refusal(deps, case, facts, reasons, SYSTEM, envelope, renewal)
    return outcome if deps.cases.transition(change) else None


def _expires_at(case: dict) -> dt.datetime:
    """When the case's registration expires (for one issued before expiry was kept, the end of its last day)."""
    if case.get("expires_at") is not None:
        return case["expires_at"]
    return expires_at_of(dt.date.fromisoformat(case["decision"]["valid_until"]))


def _approve_in_principle(deps: Dependencies, case: dict, facts, renewal: dict, actor: str, note: str,
                          caused_by: dict | None) -> Transition:
    event = events.decision_event(events.RENEWAL_APPROVED_IN_PRINCIPLE, case, [], decisions.contact_of(deps, facts),
                                  caused_by, **decisions.payer_of(case), fee_cycle=renewal["fee_cycle"],
                                  registration_number=case["decision"]["registration_number"])
    return Transition(case, states.RENEWAL_AWAITING_PAYMENT, [],
                      audit_entry(actor, "renewal_approved_in_principle", note, deps.now()), [event], renewal=renewal)


def _refusal(deps: Dependencies, case: dict, facts, reasons: list[str], actor: str, caused_by: dict | None,
             renewal: dict | None = None) -> Transition:
    """Back to `approved`, or `expired` (its grace period from the old expiry) when the validity has ended."""
    at = deps.now()
    ended = validity_ended(case, at)
    to_state = states.EXPIRED if ended else states.APPROVED
    event = events.decision_event(events.RENEWAL_REJECTED, case, reasons, decisions.contact_of(deps, facts),
                                  caused_by, status=to_state,
                                  registration_number=case["decision"]["registration_number"],
                                  valid_until=case["decision"]["valid_until"], expires_at=_expires_at(case).isoformat())
    expiry = expired(case["expires_at"], deps.renewal_grace_days) if ended and case.get("expires_at") else None
    return Transition(case, to_state, reasons, audit_entry(actor, "renewal_rejected", "; ".join(reasons), at),
                      [event], expiry=expiry, renewal=renewal)


def decide_by_reviewer(deps: Dependencies, case: dict, actor: str, decision: str, reason: str) -> Transition:
    """A reviewer's approval (in principle: the fee falls due) or refusal of a flagged renewal."""
    facts = decisions.facts_of(deps, case)
    if decision == "approve":
        return _approve_in_principle(deps, case, facts, case["renewal"], actor, reason or "Approved by a reviewer",
                                     None)
    return _refusal(deps, case, facts, [reason], actor, None)


def _renewing_for(deps: Dependencies, envelope: dict, case: dict) -> bool:
    """Whether a fee event is about the renewal the case waits to be paid for."""
    return (case["state"] == states.RENEWAL_AWAITING_PAYMENT
            and envelope["payload"].get("fee_cycle") == (case.get("renewal") or {}).get("fee_cycle"))


def is_renewal_fee(envelope: dict) -> bool:
    return str(envelope["payload"].get("fee_cycle", "")).startswith("renewal:")


def renew(deps: Dependencies, envelope: dict, case: dict) -> bool:
    """FeePaid for the renewal: one more period from the old expiry, the same number; False when it changed
    nothing (paid twice, or for a renewal no longer awaited)."""
    if not _renewing_for(deps, envelope, case):
        log.info("renewal fee paid for %s changed nothing: the case is %s", case["_id"], case["state"])
        return False
    at = deps.now()
    expiry = renewed_expiry(_expires_at(case), at, deps.validity_days, deps.reminder_days)
    valid_until = expiry.valid_until.isoformat()
    payload = envelope["payload"]
    number = case["decision"]["registration_number"]
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.RENEWED, case, [], decisions.contact_of(deps, facts), envelope,
                                  registration_number=number, valid_until=valid_until,
                                  expires_at=expiry.expires_at.isoformat(),
                                  approved_at=case["decision"]["at"].isoformat(), renewed_at=at.isoformat(),
                                  profile=events.profile_of(case), listed=bool(case["public"].get("listed")))
    decision = {**case["decision"], "valid_until": valid_until, "renewed_at": at}
    note = (f"Renewal fee paid (voucher {payload.get('voucher_number')}, transaction {payload.get('transaction_id')});"
            f" {number} valid until {valid_until}")
    return deps.cases.transition(Transition(case, states.APPROVED, [], audit_entry(SYSTEM, "renewed", note, at),
                                            [event], decision=decision, expiry=expiry))


def lapse(deps: Dependencies, envelope: dict, case: dict) -> bool:
    """VoucherExpired for the renewal: refused for want of the fee; False when it changed nothing."""
    if not _renewing_for(deps, envelope, case):
        return False
    reasons = [reason("renewal_fee_unpaid", due_date=envelope["payload"].get("due_date"))]
    return deps.cases.transition(_refusal(deps, case, decisions.facts_of(deps, case), reasons, SYSTEM, envelope))
