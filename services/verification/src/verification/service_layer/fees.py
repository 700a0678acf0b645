"""The fee's outcome, from payments' events: the registration issued once the fee is paid, or the
application lapsed when its voucher expired unpaid. A renewal's fee (its own `fee_cycle`) goes to
service_layer/renewals.py: renewed once paid, refused when unpaid.

Only a case approved in principle (`awaiting_payment`) moves, in one conditional write of the case
with its event (like every decision: on the state and version read), so a redelivery, a payment
reported twice or a late event finds the case moved already and changes nothing. Payments accepts
at most one of payment and expiry per voucher, so the two never both apply.
"""
import logging

from domainkit.reasons import reason
from eventkit.envelope import InvalidMessage
from verification.domain import case as states
from verification.domain import events
from verification.domain.case import SYSTEM, Transition, audit_entry
from verification.service_layer import decisions, renewals
from verification.service_layer.dependencies import Dependencies

log = logging.getLogger(__name__)


def _awaiting_case(deps: Dependencies, envelope: dict) -> dict | None:
    """The event's case if its fee is still due; None (logged) when it has moved on; InvalidMessage
    when verification has no such case."""
    application_id = envelope["payload"].get("application_id") or envelope["key"]
    case = deps.cases.get(application_id)
    if case is None:
        raise InvalidMessage(f"{envelope['event_type']} for unknown application {application_id}")
    if case["state"] != states.AWAITING_PAYMENT:
        log.info("%s for %s changed nothing: the case is %s", envelope["event_type"], application_id, case["state"])
        return None
    return case


def _case_of(deps: Dependencies, envelope: dict) -> dict:
    application_id = envelope["payload"].get("application_id") or envelope["key"]
    case = deps.cases.get(application_id)
    if case is None:
        raise InvalidMessage(f"{envelope['event_type']} for unknown application {application_id}")
    return case


def fee_paid(deps: Dependencies, envelope: dict) -> bool:
    """FeePaid: a renewal's fee renews the registration; the registration fee issues it."""
    if renewals.is_renewal_fee(envelope):
        return renewals.renew(deps, envelope, _case_of(deps, envelope))
    return issue_registration(deps, envelope)


def voucher_expired(deps: Dependencies, envelope: dict) -> bool:
    """VoucherExpired: an unpaid renewal fee refuses the renewal; an unpaid registration fee lapses the application."""
    if renewals.is_renewal_fee(envelope):
        return renewals.lapse(deps, envelope, _case_of(deps, envelope))
    return lapse(deps, envelope)


def issue_registration(deps: Dependencies, envelope: dict) -> bool:
    """FeePaid: the case approved in principle is registered (a number, valid from today), with
    RegistrationIssued; False when it changed nothing."""
    payload = envelope["payload"]
    note = f"Fee paid (voucher {payload.get('voucher_number')}, transaction {payload.get('transaction_id')})"

    def registered(case: dict, facts) -> Transition:
        [approval] = decisions.draw_approvals(deps, 1)
        return decisions.register(deps, case, facts, SYSTEM, note, approval, events.REGISTRATION_ISSUED,
                                  "registered", caused_by=envelope)
    return _move(deps, envelope, registered)


def lapse(deps: Dependencies, envelope: dict) -> bool:
    """VoucherExpired: the case approved in principle lapses (its CNIC is free again), with
    ApplicationLapsed; False when it changed nothing."""
    reasons = [reason("fee_unpaid", due_date=envelope["payload"].get("due_date"))]

    def lapsed(case: dict, facts) -> Transition:
        at = deps.now()
        event = events.decision_event(events.LAPSED, case, reasons, decisions.contact_of(deps, facts), envelope)
        return Transition(case, states.LAPSED, reasons, audit_entry(SYSTEM, "lapsed", reasons[0], at), [event],
                          decision=decisions.decision_record(states.LAPSED, SYSTEM, at, reasons))
    return _move(deps, envelope, lapsed)


def withdraw(deps: Dependencies, envelope: dict) -> bool:
    """VoucherCancelled: payments cancels an unpaid voucher only when the applicant withdrew, so the case
    approved in principle is withdrawn (no event: intake, which took the withdrawal, follows the same
    cancellation); False when it changed nothing (a payment won the race, or a redelivery)."""
    if renewals.is_renewal_fee(envelope):
        return False

    def withdrawn(case: dict, facts) -> Transition:
        at = deps.now()
        note = f"voucher {envelope['payload'].get('voucher_number')} cancelled"
        return Transition(case, states.WITHDRAWN, [], audit_entry("applicant", "withdrawn", note, at), [])
    return _move(deps, envelope, withdrawn)


def _move(deps: Dependencies, envelope: dict, change_for) -> bool:
    """Apply `change_for(case, facts)` to the event's case if its fee is still due; False when nothing changed."""
    case = _awaiting_case(deps, envelope)
    if case is None:
        return False
    return deps.cases.transition(change_for(case, decisions.facts_of(deps, case)))
