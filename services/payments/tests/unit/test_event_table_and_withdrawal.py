"""The worker's event table: an approval in principle issues the voucher once per application, a
withdrawal cancels an unpaid voucher (and a later payment is refused), in either order of arrival;
a message without a payer is invalid; other events are not payments' business."""
import datetime as dt

import pytest

from domainkit import lifecycle
from eventkit.envelope import InvalidMessage, new_event
from payments.domain import events
from payments.domain import vouchers as rules
from payments.service_layer import aggregator, vouchers
from payments.service_layer.handlers import HANDLERS, handle_event

PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)


def voucher_of(deps, application_id="app1"):
    return deps.vouchers.get_by_application(application_id, rules.REGISTRATION)


def test_the_table_names_the_approvals_in_principle_the_withdrawal_and_the_erasure_and_nothing_else():
    assert set(HANDLERS) == {lifecycle.APPLICATION_APPROVED_IN_PRINCIPLE, "RenewalApprovedInPrinciple",
                             lifecycle.APPLICATION_WITHDRAWN, "ApplicationErased"}


def test_each_renewal_gets_a_voucher_of_its_own_fee_cycle_and_its_payment_names_it(deps, approval):
    handle_event(deps, approval())
    renewal = new_event("RenewalApprovedInPrinciple", "app1", {"application_id": "app1", "payer_name": "Ayesha Khan",
                                                              "fee_cycle": "renewal:e1", "contact": "sealed"},
                        source="verification")
    handle_event(deps, renewal)
    handle_event(deps, renewal)  # redelivered
    first = deps.vouchers.get_by_application("app1", "renewal:e1")
    assert first is not None and first.number != voucher_of(deps).number and len(deps.vouchers.vouchers) == 2
    issued = deps.vouchers.events[-1]
    assert issued["payload"]["fee_cycle"] == "renewal:e1" and issued["payload"]["contact"] == "sealed"
    aggregator.payment(deps, "bank1", first.number, first.amount, PAID_AT, "TX-renewal-1")
    assert deps.vouchers.events[-1]["payload"]["fee_cycle"] == "renewal:e1"


@pytest.mark.parametrize("fee_cycle", [None, "registration", "x" * 120])
def test_a_renewal_without_a_renewal_fee_cycle_is_invalid(deps, fee_cycle):
    with pytest.raises(InvalidMessage, match="fee_cycle"):
        handle_event(deps, new_event("RenewalApprovedInPrinciple", "app1", {"payer_name": "A", "fee_cycle": fee_cycle},
                                     source="verification"))


def test_an_approval_issues_one_voucher_however_often_it_is_delivered(deps, approval):
    envelope = approval(payer_name="  Ayesha Khan ")
    handle_event(deps, envelope)
    handle_event(deps, envelope)  # redelivered
    handle_event(deps, approval())  # sent again, as a new event
    assert voucher_of(deps).payer_name == "Ayesha Khan" and len(deps.vouchers.vouchers) == 1
    (issued,) = deps.vouchers.events
    assert issued["event_type"] == events.VOUCHER_ISSUED
    assert (issued["correlation_id"], issued["causation_id"]) == (envelope["correlation_id"], envelope["event_id"])


def test_the_voucher_issued_passes_on_the_sealed_contact_and_language_for_notification(deps, approval):
    handle_event(deps, approval(contact="sealed-opaque", language="ur", other="not passed on"))
    (issued,) = deps.vouchers.events
    assert issued["payload"]["contact"] == "sealed-opaque" and issued["payload"]["language"] == "ur"
    assert "other" not in issued["payload"] and "payer_name" not in issued["payload"]


@pytest.mark.parametrize("payer_name", [None, "", "   ", 42, "x" * 201])
def test_an_approval_without_a_usable_payer_name_is_invalid(deps, approval, payer_name):
    with pytest.raises(InvalidMessage, match="payer_name"):
        handle_event(deps, approval(payer_name=payer_name))
    assert deps.vouchers.vouchers == {}


def test_an_application_id_that_is_not_a_string_is_invalid(deps):
    envelope = new_event(lifecycle.APPLICATION_APPROVED_IN_PRINCIPLE, "app1",
                         {"application_id": ["app1"], "payer_name": "A"}, source="verification")
    with pytest.raises(InvalidMessage, match="application_id"):
        handle_event(deps, envelope)
    assert deps.vouchers.vouchers == {}


def test_the_application_id_falls_back_to_the_key(deps):
    handle_event(deps, new_event(lifecycle.APPLICATION_APPROVED_IN_PRINCIPLE, "app7", {"payer_name": "A"},
                                 source="verification"))
    assert voucher_of(deps, "app7") is not None


def test_a_withdrawal_cancels_the_unpaid_voucher_once_and_a_later_payment_is_refused(deps, approval, withdrawal):
    handle_event(deps, approval())
    number = voucher_of(deps).number
    envelope = withdrawal()
    handle_event(deps, envelope)
    handle_event(deps, envelope)  # redelivered
    assert voucher_of(deps).status == rules.CANCELLED
    (cancelled,) = deps.vouchers.of_type(events.VOUCHER_CANCELLED)
    assert cancelled["payload"] == {"application_id": "app1", "voucher_number": number}
    assert cancelled["causation_id"] == envelope["event_id"]
    with pytest.raises(rules.Refused) as refused:
        aggregator.payment(deps, "agg", number, 1000, PAID_AT, "t1")
    assert refused.value.code == rules.VOUCHER_CANCELLED
    assert deps.vouchers.of_type(events.FEE_PAID) == []


def test_a_withdrawal_after_the_payment_changes_nothing(deps, approval, withdrawal):
    handle_event(deps, approval())
    aggregator.payment(deps, "agg", voucher_of(deps).number, 1000, PAID_AT, "t1")
    handle_event(deps, withdrawal())
    assert voucher_of(deps).status == rules.PAID and deps.vouchers.of_type(events.VOUCHER_CANCELLED) == []


def test_a_withdrawal_before_any_approval_stops_the_voucher_being_issued(deps, approval, withdrawal):
    handle_event(deps, withdrawal())
    handle_event(deps, approval())  # it came late, on another topic
    assert deps.vouchers.vouchers == {} and deps.vouchers.events == []
    assert vouchers.issue(deps, "app1", "Ayesha Khan") is None


def test_a_withdrawal_while_the_voucher_is_being_issued_cancels_it(deps, approval, withdrawal, monkeypatch):
    real_add = deps.vouchers.add

    def add_after_the_withdrawal_looked(voucher, stored_events):
        handle_event(deps, withdrawal())  # remembered, and found no voucher yet
        real_add(voucher, stored_events)

    monkeypatch.setattr(deps.vouchers, "add", add_after_the_withdrawal_looked)
    handle_event(deps, approval())
    assert voucher_of(deps).status == rules.CANCELLED
    assert [e["event_type"] for e in deps.vouchers.events] == [events.VOUCHER_ISSUED, events.VOUCHER_CANCELLED]


def test_other_events_are_not_payments_business(deps):
    handle_event(deps, new_event("ApplicationSubmitted", "app1", {"application_id": "app1"}, source="intake"))
    assert deps.vouchers.vouchers == {} and deps.withdrawals.withdrawn == {}


def test_a_withdrawal_that_lost_to_the_payment_does_not_stop_a_later_renewal_voucher(deps, approval):
    handle_event(deps, approval())
    voucher = voucher_of(deps)
    aggregator.payment(deps, "bank1", voucher.number, voucher.amount, PAID_AT, "TX-1")
    handle_event(deps, new_event(lifecycle.APPLICATION_WITHDRAWN, "app1", {"application_id": "app1"}, source="intake"))
    assert voucher_of(deps).status == rules.PAID  # the payment came first
    handle_event(deps, new_event("RenewalApprovedInPrinciple", "app1", {"payer_name": "A", "fee_cycle": "renewal:e9"},
                                 source="verification"))
    assert deps.vouchers.get_by_application("app1", "renewal:e9").status == rules.UNPAID
