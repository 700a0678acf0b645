"""The voucher's pure rules: due dates and when a voucher expires, the number check, the order of the
payment's refusals, a recorded answer replayed, the settings refused when they cannot work."""
import dataclasses
import datetime as dt

import pytest

from domainkit.vouchers import format_voucher_number, grouped, normalise_voucher_number
from payments.domain import vouchers as rules
from payments.service_layer.dependencies import Settings

ISSUED = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone.utc)
PKT = dt.timezone(dt.timedelta(hours=5))
NUMBER = format_voucher_number("7711", 42)


def voucher(**changes):
    issued = rules.new_voucher(NUMBER, "app1", rules.REGISTRATION, "Ayesha Khan", 1000, ISSUED, 14)
    return dataclasses.replace(issued, **changes)


def transaction(amount=1000, paid_at=ISSUED, aggregator_id="agg", transaction_id="t1"):
    return rules.Transaction(aggregator_id=aggregator_id, transaction_id=transaction_id, voucher_number=NUMBER,
                             amount=amount, paid_at=paid_at, answered_at=paid_at)


def test_a_new_voucher_is_unpaid_and_due_the_given_days_after_its_utc_issue_day():
    v = voucher()
    assert v.status == rules.UNPAID and v.updated_at == ISSUED and v.paid_at is None
    assert v.due_date == dt.date(2026, 3, 15)
    late_evening_in_pakistan = dt.datetime(2026, 3, 2, 1, 0, tzinfo=PKT)  # still 1 March in UTC
    assert rules.new_voucher(NUMBER, "a", rules.REGISTRATION, "n", 1, late_evening_in_pakistan, 0).due_date == \
        dt.date(2026, 3, 1)


def test_a_voucher_is_payable_through_its_whole_due_date_and_expired_from_midnight_utc_after_it():
    v = voucher()
    assert rules.payable_until(v) == dt.datetime(2026, 3, 16, tzinfo=dt.timezone.utc)
    assert not rules.is_expired(v, dt.datetime(2026, 3, 15, 23, 59, 59, 999999, tzinfo=dt.timezone.utc))
    assert rules.is_expired(v, dt.datetime(2026, 3, 16, tzinfo=dt.timezone.utc))
    assert rules.is_expired(v, dt.datetime(2026, 3, 16, 5, 0, tzinfo=PKT))  # the same instant, in Pakistan
    assert rules.status_at(v, dt.datetime(2026, 3, 16, tzinfo=dt.timezone.utc)) == rules.EXPIRED


def test_only_an_unpaid_voucher_expires_by_date_and_a_marked_one_is_expired_at_any_time():
    after = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    for status in (rules.PAID, rules.CANCELLED):
        assert not rules.is_expired(voucher(status=status), after)
        assert rules.status_at(voucher(status=status), after) == status
    assert rules.is_expired(voucher(status=rules.EXPIRED), ISSUED)


def test_a_number_is_accepted_grouped_or_dashed_and_refused_when_mistyped():
    assert rules.checked_number(grouped(NUMBER)) == rules.checked_number(NUMBER.replace("1", "1-", 1)) == NUMBER
    mistyped = NUMBER[:-2] + str((int(NUMBER[-2]) + 1) % 10) + NUMBER[-1]
    assert normalise_voucher_number(mistyped) is None
    for text in (mistyped, NUMBER[:-1], "", "x" * 100, None):
        with pytest.raises(rules.Refused) as refused:
            rules.checked_number(text)
        assert refused.value.code == rules.UNKNOWN_VOUCHER and "16 digits" in refused.value.message


def refusal(v, t, now=ISSUED):
    with pytest.raises(rules.Refused) as refused:
        rules.decide_payment(v, t, now)
    return refused.value.code


def test_the_payment_decision_and_the_order_of_its_refusals():
    past_due = dt.datetime(2026, 3, 16, tzinfo=dt.timezone.utc)
    assert rules.decide_payment(voucher(), transaction(), ISSUED) == rules.PAY
    assert refusal(None, transaction()) == rules.UNKNOWN_VOUCHER
    assert refusal(voucher(status=rules.CANCELLED), transaction(amount=5)) == rules.VOUCHER_CANCELLED
    paid = voucher(status=rules.PAID, aggregator_id="agg", transaction_id="t1", paid_at=ISSUED)
    assert rules.decide_payment(paid, transaction(amount=5), past_due) == rules.PAID_BY_THIS_TRANSACTION
    assert refusal(paid, transaction(transaction_id="t2")) == rules.VOUCHER_PAID
    assert refusal(paid, transaction(aggregator_id="other")) == rules.VOUCHER_PAID  # ids are per aggregator
    assert refusal(voucher(), transaction(amount=5), past_due) == rules.VOUCHER_EXPIRED  # before the amount
    assert refusal(voucher(), transaction(paid_at=past_due)) == rules.VOUCHER_EXPIRED  # paid late, by its own word
    assert refusal(voucher(), transaction(), past_due) == rules.VOUCHER_EXPIRED  # reached us late
    assert refusal(voucher(status=rules.EXPIRED), transaction()) == rules.VOUCHER_EXPIRED
    assert refusal(voucher(), transaction(amount=999)) == rules.WRONG_AMOUNT
    assert refusal(voucher(), transaction(amount=1000.0)) == rules.WRONG_AMOUNT  # rupees are whole
    assert refusal(voucher(), transaction(amount=True)) == rules.WRONG_AMOUNT


def test_a_recorded_answer_is_given_again():
    accepted = transaction()
    assert accepted.accepted and accepted.answer() is accepted
    refused = dataclasses.replace(accepted, refusal=rules.WRONG_AMOUNT, refusal_message="exactly")
    assert not refused.accepted
    with pytest.raises(rules.Refused) as again:
        refused.answer()
    assert (again.value.code, again.value.message, str(again.value)) == (rules.WRONG_AMOUNT, "exactly", "exactly")


def test_random_serials_make_voucher_numbers():
    serials = {rules.random_serial() for _ in range(1000)}
    assert len(serials) > 990 and all(0 < s < 10 ** 11 for s in serials)
    assert all(normalise_voucher_number(format_voucher_number("7711", s)) for s in serials)


@pytest.mark.parametrize("settings", [
    {"biller_code": "771"}, {"biller_code": "77a1"}, {"biller_code": "7711", "fee_amount": 0},
    {"biller_code": "7711", "fee_amount": 99.5}, {"biller_code": "7711", "fee_due_days": -1},
])
def test_settings_that_cannot_work_are_refused_at_once(settings):
    with pytest.raises(ValueError):
        Settings(**settings)


def test_the_default_fee_settings():
    assert Settings(biller_code="7711") == Settings("7711", 1000, 14)
