"""Issuing the fee voucher: one per application and fee cycle whatever the deliveries, its number, amount
and due date from the settings, VoucherIssued stored with it, a number already taken drawn again."""
import dataclasses
import datetime as dt

import pytest

from domainkit.vouchers import format_voucher_number
from payments.domain import events
from payments.domain import vouchers as rules
from payments.service_layer import vouchers
from payments.service_layer.dependencies import Settings


def number(serial):
    return format_voucher_number("7711", serial)


def test_a_voucher_is_issued_with_its_event(deps, clock):
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan")
    assert voucher == deps.vouchers.get(number(1))
    assert (voucher.application_id, voucher.fee_cycle, voucher.payer_name) == ("app1", rules.REGISTRATION,
                                                                               "Ayesha Khan")
    assert (voucher.amount, voucher.status, voucher.issued_at) == (1000, rules.UNPAID, clock.now)
    assert voucher.due_date == dt.date(2026, 3, 15)
    (event,) = deps.vouchers.events
    assert event["event_type"] == events.VOUCHER_ISSUED and event["key"] == "app1"
    assert event["source"] == "payments"
    assert event["payload"] == {"application_id": "app1", "voucher_number": number(1), "amount": 1000,
                                "due_date": "2026-03-15", "fee_cycle": "registration"}


def test_the_fee_and_the_days_to_pay_come_from_the_settings(deps):
    deps = dataclasses.replace(deps, settings=Settings(biller_code="1234", fee_amount=2500, fee_due_days=7))
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan")
    assert voucher.number == format_voucher_number("1234", 1)
    assert (voucher.amount, voucher.due_date) == (2500, dt.date(2026, 3, 8))


def test_the_same_event_twice_issues_one_voucher(deps, clock):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    clock.advance(hours=1)
    assert vouchers.issue(deps, "app1", "Ayesha Khan") == first
    assert len(deps.vouchers.vouchers) == 1 and len(deps.vouchers.events) == 1


def test_a_delivery_racing_another_finds_the_voucher_the_other_issued(deps, monkeypatch):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    real, lookups = deps.vouchers.get_by_application, []

    def read_before_the_other_insert(*args):
        lookups.append(args)
        return None if len(lookups) == 1 else real(*args)

    monkeypatch.setattr(deps.vouchers, "get_by_application", read_before_the_other_insert)
    assert vouchers.issue(deps, "app1", "Ayesha Khan") == first
    assert len(lookups) == 2  # the insert was refused (AlreadyIssued) and the voucher read again
    assert len(deps.vouchers.vouchers) == 1 and len(deps.vouchers.events) == 1


def test_another_fee_cycle_of_the_application_has_a_voucher_of_its_own(deps):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    renewal = vouchers.issue(deps, "app1", "Ayesha Khan", fee_cycle="renewal-2027")
    assert renewal.number != first.number and len(deps.vouchers.events) == 2


def test_a_number_already_taken_is_drawn_again(deps, serials):
    vouchers.issue(deps, "app1", "Ayesha Khan")  # serial 1
    serials.queued = [1, 1]  # the random source repeats itself twice
    second = vouchers.issue(deps, "app2", "Bilal Ahmed")
    assert second.number == number(2) and deps.vouchers.get(number(1)).application_id == "app1"
    assert [e["payload"]["voucher_number"] for e in deps.vouchers.events] == [number(1), number(2)]


def test_a_source_that_only_repeats_itself_is_given_up_on(deps, serials):
    vouchers.issue(deps, "app1", "Ayesha Khan")
    serials.queued = [1] * vouchers.NUMBER_ATTEMPTS
    with pytest.raises(vouchers.NoFreeNumber):
        vouchers.issue(deps, "app2", "Bilal Ahmed")
    assert deps.vouchers.get_by_application("app2", rules.REGISTRATION) is None and len(deps.vouchers.events) == 1
