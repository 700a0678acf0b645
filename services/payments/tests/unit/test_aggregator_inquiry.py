"""The aggregator's inquiry: what a voucher is and whether it can be paid, an unpaid voucher past its
due date answered as expired before the scheduler marks it, unknown and mistyped numbers refused."""
import datetime as dt

import pytest

from domainkit.vouchers import format_voucher_number, grouped
from payments.domain import vouchers as rules
from payments.service_layer import aggregator, expiry, vouchers

PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def voucher(deps):
    return vouchers.issue(deps, "app1", "Ayesha Khan")


def test_an_unpaid_voucher(deps, voucher):
    assert aggregator.inquiry(deps, voucher.number) == {
        "voucher_number": voucher.number, "payer_name": "Ayesha Khan", "amount": 1000,
        "due_date": dt.date(2026, 3, 15), "status": rules.UNPAID}


def test_the_number_as_people_write_it(deps, voucher):
    assert aggregator.inquiry(deps, grouped(voucher.number))["voucher_number"] == voucher.number
    assert aggregator.inquiry(deps, grouped(voucher.number).replace(" ", "-"))["status"] == rules.UNPAID


def test_a_paid_voucher(deps, voucher):
    aggregator.payment(deps, "agg", voucher.number, 1000, PAID_AT, "t1")
    assert aggregator.inquiry(deps, voucher.number)["status"] == rules.PAID


def test_payable_on_its_due_date_and_expired_after_it_before_the_scheduler_runs(deps, voucher, clock):
    clock.now = dt.datetime(2026, 3, 15, 23, 59, tzinfo=dt.timezone.utc)
    assert aggregator.inquiry(deps, voucher.number)["status"] == rules.UNPAID
    clock.advance(minutes=1)
    assert aggregator.inquiry(deps, voucher.number)["status"] == rules.EXPIRED
    assert deps.vouchers.get(voucher.number).status == rules.UNPAID  # not yet marked
    expiry.expire_due(deps)
    assert aggregator.inquiry(deps, voucher.number)["status"] == rules.EXPIRED


def test_a_cancelled_voucher(deps, voucher):
    vouchers.cancel_for_withdrawal(deps, "app1")
    assert aggregator.inquiry(deps, voucher.number)["status"] == rules.CANCELLED


def test_a_number_without_a_voucher_is_unknown(deps, voucher):
    with pytest.raises(rules.Refused) as refused:
        aggregator.inquiry(deps, format_voucher_number("7711", 99))  # well formed, never issued
    assert refused.value.code == rules.UNKNOWN_VOUCHER and "No voucher" in refused.value.message


@pytest.mark.parametrize("mistake", ["digit", "swap", "short"])
def test_a_mistyped_number_is_unknown_and_never_someone_elses(deps, voucher, mistake):
    n = voucher.number
    typed = {"digit": n[:5] + str((int(n[5]) + 3) % 10) + n[6:], "swap": n[:-3] + n[-2] + n[-3] + n[-1],
             "short": n[:-1]}[mistake]
    assert typed != n
    with pytest.raises(rules.Refused) as refused:
        aggregator.inquiry(deps, typed)
    assert refused.value.code == rules.UNKNOWN_VOUCHER and "not a voucher number" in refused.value.message
