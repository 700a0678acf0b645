"""The scheduler's expiry: every unpaid voucher past its due date becomes expired with VoucherExpired,
exactly once however often it runs, in batches; paid, cancelled and not-yet-due vouchers are left alone,
and a payment that lands first wins."""
import dataclasses
import datetime as dt

import pytest

from payments.domain import events
from payments.domain import vouchers as rules
from payments.service_layer import aggregator, expiry, vouchers

UTC = dt.timezone.utc


def expired_events(deps):
    return deps.vouchers.of_type(events.VOUCHER_EXPIRED)


def test_unpaid_vouchers_past_due_expire_once_each_however_often_it_runs(deps, clock):
    due = vouchers.issue(deps, "due", "A")
    paid = vouchers.issue(deps, "paid", "B")
    aggregator.payment(deps, "agg", paid.number, 1000, clock.now, "t1")
    cancelled = vouchers.issue(deps, "withdrawn", "C")
    vouchers.cancel_for_withdrawal(deps, "withdrawn")
    clock.advance(days=1)
    later = vouchers.issue(deps, "later", "D")  # due a day later than the others
    clock.now = dt.datetime(2026, 3, 16, 0, 0, tzinfo=UTC)
    assert expiry.expire_due(deps) == 1
    assert expiry.expire_due(deps) == 0
    assert [deps.vouchers.get(v.number).status for v in (due, paid, cancelled, later)] == \
        [rules.EXPIRED, rules.PAID, rules.CANCELLED, rules.UNPAID]
    (event,) = expired_events(deps)
    assert event["key"] == "due" and event["payload"] == {
        "application_id": "due", "voucher_number": due.number, "due_date": "2026-03-15",
        "fee_cycle": "registration"}
    assert deps.vouchers.get(due.number).updated_at == clock.now
    clock.advance(days=1)
    assert expiry.expire_due(deps) == 1 and len(expired_events(deps)) == 2


def test_nothing_expires_on_its_due_date(deps, clock):
    voucher = vouchers.issue(deps, "app1", "A")
    clock.now = dt.datetime(2026, 3, 15, 23, 59, 59, tzinfo=UTC)
    assert expiry.expire_due(deps) == 0 and deps.vouchers.get(voucher.number).status == rules.UNPAID


def test_the_time_to_expire_as_of_may_be_given(deps):
    vouchers.issue(deps, "app1", "A")
    assert expiry.expire_due(deps, dt.datetime(2026, 3, 16, 0, 0, tzinfo=UTC)) == 1


def test_more_than_a_batch_all_expire(deps, clock, monkeypatch):
    monkeypatch.setattr(expiry, "BATCH", 2)
    for i in range(5):
        vouchers.issue(deps, f"app{i}", "A")
    clock.advance(days=30)
    assert expiry.expire_due(deps) == 5 and len(expired_events(deps)) == 5
    assert {v.status for v in deps.vouchers.vouchers.values()} == {rules.EXPIRED}


def test_a_payment_landing_first_wins(deps, clock):
    voucher = vouchers.issue(deps, "app1", "A")
    on_due_date = dt.datetime(2026, 3, 15, 23, 59, 59, tzinfo=UTC)
    clock.now = dt.datetime(2026, 3, 16, 0, 0, tzinfo=UTC)

    def payment_received_on_the_due_date():  # decided before midnight, written after the scheduler's read
        scheduler_time, clock.now = clock.now, on_due_date
        aggregator.payment(deps, "agg", voucher.number, 1000, on_due_date, "t1")
        clock.now = scheduler_time

    deps.vouchers.before_write = payment_received_on_the_due_date
    assert expiry.expire_due(deps) == 0
    assert deps.vouchers.get(voucher.number).status == rules.PAID and expired_events(deps) == []


def test_a_full_batch_that_moved_meanwhile_stops_the_run_and_the_next_run_sees_to_the_rest(deps, clock, monkeypatch):
    monkeypatch.setattr(expiry, "BATCH", 1)
    first = vouchers.issue(deps, "app1", "A")
    second = vouchers.issue(deps, "app2", "B")
    clock.advance(days=30)
    deps.vouchers.before_write = lambda: vouchers.cancel_for_withdrawal(deps, "app1")  # lands before the write
    assert expiry.expire_due(deps) == 0
    assert deps.vouchers.get(first.number).status == rules.CANCELLED
    assert deps.vouchers.get(second.number).status == rules.UNPAID
    assert expiry.expire_due(deps) == 1 and deps.vouchers.get(second.number).status == rules.EXPIRED


def test_a_due_time_of_seconds_for_tests_ends_exactly_then(deps, clock):
    deps = dataclasses.replace(deps, settings=dataclasses.replace(deps.settings, fee_due_days=60 / 86_400))
    voucher = vouchers.issue(deps, "app1", "A")
    assert voucher.due_at == clock.now + dt.timedelta(seconds=60) and voucher.due_date == clock.now.date()
    assert expiry.expire_due(deps, clock.now + dt.timedelta(seconds=59)) == 0
    with pytest.raises(rules.Refused, match="payable until"):
        aggregator.payment(deps, "agg", voucher.number, 1000, clock.now + dt.timedelta(seconds=61), "t1")
    assert expiry.expire_due(deps, clock.now + dt.timedelta(seconds=60)) == 1


def test_a_voucher_kept_before_due_at_is_given_the_end_of_its_due_date(deps, clock):
    voucher = vouchers.issue(deps, "app1", "A")
    deps.vouchers.vouchers[voucher.number] = dataclasses.replace(voucher, due_at=None)  # as earlier versions kept it
    assert expiry.expire_due(deps, dt.datetime(2026, 3, 15, 23, 59, tzinfo=UTC)) == 0
    assert deps.vouchers.get(voucher.number).due_at == dt.datetime(2026, 3, 16, tzinfo=UTC)
    assert expiry.expire_due(deps, dt.datetime(2026, 3, 16, tzinfo=UTC)) == 1
