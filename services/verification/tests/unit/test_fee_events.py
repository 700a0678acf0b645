"""Payments' fee events against in-memory repositories: a case approved in principle is registered once
its fee is paid (RegistrationIssued, the year's next number, the same payload the directory lists) or
lapses when its voucher expires (ApplicationLapsed, the CNIC free for a new application); a redelivery,
a late event or an event for a case whose fee was never due changes nothing."""
import pytest

from domainkit.registration import format_registration_number
from eventkit.envelope import InvalidMessage, new_event
from verification.domain import case as states
from verification.service_layer.handlers import handle_application_event


def fee_event(event_type, application_id, **payload):
    return new_event(event_type, application_id,
                     {"application_id": application_id, "voucher_number": "7711000000000013", **payload},
                     source="payments")


@pytest.fixture
def awaiting(deps, application_event):
    """awaiting(**fields) -> the id of a clean case, approved in principle by the checks: its fee due."""
    def make(**fields):
        envelope = application_event(**fields)
        handle_application_event(deps, envelope)
        assert deps.cases.get(envelope["key"])["state"] == states.AWAITING_PAYMENT
        return envelope["key"]
    return make


def test_a_paid_fee_registers_the_case_once_with_the_next_number(deps, awaiting):
    application_id = awaiting()
    paid = fee_event("FeePaid", application_id, transaction_id="T-1", amount=1000)
    handle_application_event(deps, paid)
    handle_application_event(deps, paid)  # redelivered
    case = deps.cases.get(application_id)
    number = format_registration_number(deps.today().year, 1)  # drawn on payment, not on approval
    assert case["state"] == states.APPROVED and case["decision"]["registration_number"] == number
    assert deps.cases.events(application_id)[-1] == "RegistrationIssued"
    assert deps.cases.events(application_id).count("RegistrationIssued") == 1
    [issued] = [e for e in case["outbox"] if e["event_type"] == "RegistrationIssued"]
    assert {"registration_number", "valid_until", "profile", "listed", "contact"} <= set(issued["payload"])
    assert issued["causation_id"] == paid["event_id"]
    assert case["audit"][-1]["action"] == "registered" and "T-1" in case["audit"][-1]["detail"]


def test_an_expired_voucher_lapses_the_case_and_frees_its_identity(deps, awaiting, application_event):
    application_id = awaiting(cnic="3520212345672")
    handle_application_event(deps, fee_event("VoucherExpired", application_id, due_date="2026-03-15"))
    case = deps.cases.get(application_id)
    assert case["state"] == states.LAPSED and "2026-03-15" in case["reasons"][0]
    assert deps.cases.events(application_id)[-1] == "ApplicationLapsed"
    again = application_event(cnic="3520212345672")  # the same person applies again: not a duplicate
    handle_application_event(deps, again)
    assert deps.cases.get(again["key"])["state"] == states.AWAITING_PAYMENT


def test_a_payment_after_the_lapse_changes_nothing(deps, awaiting):
    application_id = awaiting()
    handle_application_event(deps, fee_event("VoucherExpired", application_id, due_date="2026-03-15"))
    handle_application_event(deps, fee_event("FeePaid", application_id, transaction_id="T-late"))
    assert deps.cases.get(application_id)["state"] == states.LAPSED


def test_a_fee_event_for_a_case_whose_fee_was_never_due_changes_nothing(deps, application_event):
    envelope = application_event(date_of_birth="2015-01-01")
    handle_application_event(deps, envelope)  # too young: rejected
    before = deps.cases.get(envelope["key"])
    handle_application_event(deps, fee_event("FeePaid", envelope["key"], transaction_id="T-2"))
    assert deps.cases.get(envelope["key"]) == before


def test_a_fee_event_for_an_unknown_application_is_an_invalid_message(deps):
    with pytest.raises(InvalidMessage, match="unknown application"):
        handle_application_event(deps, fee_event("FeePaid", "nobody"))


def test_a_cancelled_voucher_withdraws_the_case_approved_in_principle_once(deps, application_event):
    envelope = application_event()
    handle_application_event(deps, envelope)
    cancelled = new_event("VoucherCancelled", envelope["key"], {"application_id": envelope["key"],
                                                                "voucher_number": "7711000000000013",
                                                                "fee_cycle": "registration"}, source="payments")
    handle_application_event(deps, cancelled)
    handle_application_event(deps, cancelled)
    case = deps.cases.get(envelope["key"])
    assert case["state"] == "withdrawn" and [a["action"] for a in case["audit"]].count("withdrawn") == 1
    paid = new_event("FeePaid", envelope["key"], {"application_id": envelope["key"], "voucher_number": "x",
                                                  "transaction_id": "T"}, source="payments")
    handle_application_event(deps, paid)  # payments refuses a cancelled voucher's payment; a stray one changes nothing
    assert deps.cases.get(envelope["key"])["state"] == "withdrawn"
