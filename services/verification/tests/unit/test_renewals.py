"""Renewal against in-memory repositories: a clean request is approved in principle with a fee cycle of its
own; its fee renews the registration one period past the old expiry with the same number; a flagged
request waits for a reviewer; a request outside the window, an unpaid renewal fee or a reviewer's refusal
sends it back (to `expired` when the date has passed); repeats change nothing."""
import datetime as dt

from eventkit.envelope import new_event
from verification.domain import case as states
from verification.service_layer import reviewing
from verification.service_layer.expiry import sweep
from verification.service_layer.handlers import handle_application_event

DAY = dt.timedelta(days=1)


def fee_event(event_type, application_id, fee_cycle, **payload):
    return new_event(event_type, application_id, {"application_id": application_id, "fee_cycle": fee_cycle,
                                                  "voucher_number": "7711000000000013", "transaction_id": "T",
                                                  "due_date": "2027-12-01", **payload}, source="payments")


def renewal_request(deps, application_id, documents=("prc",), confirmed=True):
    """RenewalRequested as intake publishes it, asked at the test clock's time."""
    envelope = new_event("RenewalRequested", application_id, {
        "application_id": application_id, "registration_number": "x", "language": "en",
        "documents": [{"kind": kind, "content_type": "application/pdf", "size": 9} for kind in documents],
        "profile_confirmed": confirmed}, source="intake")
    return {**envelope, "occurred_at": deps.clock.at.isoformat()}


def outbox(deps, application_id, event_type):
    return [e for e in deps.cases.get(application_id)["outbox"] if e["event_type"] == event_type]


def test_a_clean_renewal_is_approved_in_principle_then_renewed_from_the_old_expiry(deps, registered):
    application_id = registered()
    case = deps.cases.get(application_id)
    old_expiry, number = case["expires_at"], case["decision"]["registration_number"]
    deps.clock.at = old_expiry - 20 * DAY
    request = renewal_request(deps, application_id)
    handle_application_event(deps, request)
    handle_application_event(deps, request)  # redelivered
    case = deps.cases.get(application_id)
    assert case["state"] == states.RENEWAL_AWAITING_PAYMENT and case["documents"]["prc"]["size"] == 9
    [approved] = outbox(deps, application_id, "RenewalApprovedInPrinciple")
    assert approved["payload"]["fee_cycle"] == f"renewal:{request['event_id']}" and approved["payload"]["payer_name"]
    assert sweep(deps, old_expiry + DAY).expired == 0  # a renewal under way is neither reminded nor expired

    handle_application_event(deps, fee_event("FeePaid", application_id, "registration"))  # another cycle's: nothing
    assert deps.cases.get(application_id)["state"] == states.RENEWAL_AWAITING_PAYMENT
    paid = fee_event("FeePaid", application_id, approved["payload"]["fee_cycle"])
    handle_application_event(deps, paid)
    handle_application_event(deps, paid)  # redelivered
    case = deps.cases.get(application_id)
    assert case["state"] == states.APPROVED and case["expires_at"] == old_expiry + 365 * DAY
    assert case["decision"]["registration_number"] == number
    [renewed] = outbox(deps, application_id, "RegistrationRenewed")
    last_day = (old_expiry + 365 * DAY - dt.timedelta(microseconds=1)).date()
    assert renewed["payload"]["valid_until"] == last_day.isoformat()
    assert renewed["payload"]["registration_number"] == number and renewed["payload"]["profile"]["full_name"]
    assert [r["days_before"] for r in case["reminders"]] == [30, 7]


def test_a_request_without_the_prc_waits_for_a_reviewer_who_approves_it(deps, registered):
    application_id = registered()
    deps.clock.at = deps.cases.get(application_id)["expires_at"] - 5 * DAY
    handle_application_event(deps, renewal_request(deps, application_id, documents=(), confirmed=True))
    case = deps.cases.get(application_id)
    assert case["state"] == states.RENEWAL_IN_REVIEW and "proceeds realisation certificate" in case["reasons"][0]
    reviewing.decide(deps, application_id, "ayesha", "approve", "PRC sent by email, checked")
    assert deps.cases.get(application_id)["state"] == states.RENEWAL_AWAITING_PAYMENT
    assert outbox(deps, application_id, "RenewalApprovedInPrinciple")


def test_a_reviewer_refusal_after_the_expiry_lands_on_expired_with_its_grace_period(deps, registered):
    application_id = registered()
    expires_at = deps.cases.get(application_id)["expires_at"]
    deps.clock.at = expires_at - DAY
    handle_application_event(deps, renewal_request(deps, application_id, confirmed=False))
    deps.clock.at = expires_at + 2 * DAY
    reviewing.decide(deps, application_id, "ayesha", "reject", "The PRC is for another person")
    case = deps.cases.get(application_id)
    [refused] = outbox(deps, application_id, "RenewalRejected")
    assert case["state"] == states.EXPIRED and refused["payload"]["status"] == "expired"
    assert refused["payload"]["reasons"] == ["The PRC is for another person"]
    assert case["due_at"] == expires_at + 30 * DAY


def test_a_request_outside_the_window_is_refused_and_an_unpaid_renewal_fee_refuses_it(deps, registered):
    application_id = registered()
    expires_at = deps.cases.get(application_id)["expires_at"]
    deps.clock.at = expires_at - 100 * DAY
    handle_application_event(deps, renewal_request(deps, application_id))  # intake's clock was wrong, say
    case = deps.cases.get(application_id)
    assert case["state"] == states.APPROVED and outbox(deps, application_id, "RenewalRejected")
    deps.clock.at = expires_at - 10 * DAY
    request = renewal_request(deps, application_id)
    handle_application_event(deps, request)
    handle_application_event(deps, fee_event("VoucherExpired", application_id, f"renewal:{request['event_id']}"))
    case = deps.cases.get(application_id)
    assert case["state"] == states.APPROVED and "not paid" in case["reasons"][0]
    assert len(outbox(deps, application_id, "RenewalRejected")) == 2


def test_a_registration_being_renewed_can_be_revoked_and_its_renewal_fee_then_changes_nothing(deps, registered):
    from verification.domain import board_actions as rules
    from verification.service_layer import board_actions
    application_id = registered()
    deps.clock.at = deps.cases.get(application_id)["expires_at"] - 5 * DAY
    request = renewal_request(deps, application_id)
    handle_application_event(deps, request)
    board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Forged PRC")
    board_actions.confirm_action(deps, application_id, rules.REVOKE, "bilal")
    handle_application_event(deps, fee_event("FeePaid", application_id, f"renewal:{request['event_id']}"))
    assert deps.cases.get(application_id)["state"] == states.REVOKED
    assert not outbox(deps, application_id, "RegistrationRenewed")
