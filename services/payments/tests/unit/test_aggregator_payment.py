"""The aggregator's payment: accepted once with FeePaid, refused with a clear code, a repeated transaction
id answered as the first time and changing nothing, and the races: a request stopped between its two
writes, the same transaction twice at once, another transaction or a withdrawal landing first."""
import datetime as dt

import pytest

from payments.domain import events
from payments.domain import vouchers as rules
from payments.service_layer import aggregator, expiry, vouchers

PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def voucher(deps):
    return vouchers.issue(deps, "app1", "Ayesha Khan")


def pay(deps, number, amount=1000, transaction_id="t1", aggregator_id="agg", paid_at=PAID_AT):
    return aggregator.payment(deps, aggregator_id, number, amount, paid_at, transaction_id)


def refusal(deps, number, **request):
    with pytest.raises(rules.Refused) as refused:
        pay(deps, number, **request)
    return refused.value.code


def fee_paid(deps):
    return deps.vouchers.of_type(events.FEE_PAID)


def test_a_payment_pays_the_voucher_and_publishes_fee_paid_once(deps, voucher, clock):
    clock.advance(days=1)
    answer = pay(deps, voucher.number)
    assert answer.accepted and answer == deps.transactions.get("agg", "t1")
    assert (answer.voucher_number, answer.application_id, answer.amount, answer.paid_at, answer.answered_at) == \
        (voucher.number, "app1", 1000, PAID_AT, clock.now)
    paid = deps.vouchers.get(voucher.number)
    assert (paid.status, paid.paid_at, paid.aggregator_id, paid.transaction_id, paid.updated_at) == \
        (rules.PAID, PAID_AT, "agg", "t1", clock.now)
    (event,) = fee_paid(deps)
    assert event["key"] == "app1" and event["payload"] == {
        "application_id": "app1", "voucher_number": voucher.number, "amount": 1000,
        "paid_at": "2026-03-02T10:00:00.000Z", "transaction_id": "t1", "aggregator": "agg",
        "fee_cycle": "registration"}


def test_the_wrong_amount_is_refused_and_changes_nothing(deps, voucher):
    assert refusal(deps, voucher.number, amount=999) == rules.WRONG_AMOUNT
    assert deps.vouchers.get(voucher.number).status == rules.UNPAID and fee_paid(deps) == []
    assert deps.transactions.get("agg", "t1").refusal == rules.WRONG_AMOUNT
    assert pay(deps, voucher.number, transaction_id="t2").accepted  # the right amount, as a new transaction


def test_a_payment_after_the_due_date_is_refused(deps, voucher, clock):
    clock.now = dt.datetime(2026, 3, 16, 0, 0, 1, tzinfo=dt.timezone.utc)
    # paid in time by the aggregator's word, but it reached us after the voucher lapsed
    assert refusal(deps, voucher.number, paid_at=dt.datetime(2026, 3, 15, 23, 0, tzinfo=dt.timezone.utc)) == \
        rules.VOUCHER_EXPIRED
    assert deps.vouchers.get(voucher.number).status == rules.UNPAID  # the scheduler marks it, not the refusal
    expiry.expire_due(deps)
    assert refusal(deps, voucher.number, transaction_id="t2") == rules.VOUCHER_EXPIRED
    assert fee_paid(deps) == []


def test_a_payment_dated_after_the_due_date_is_refused(deps, voucher):
    assert refusal(deps, voucher.number, paid_at=dt.datetime(2026, 3, 16, tzinfo=dt.timezone.utc)) == \
        rules.VOUCHER_EXPIRED


def test_a_voucher_paid_by_another_transaction_is_refused(deps, voucher):
    pay(deps, voucher.number, transaction_id="t1")
    assert refusal(deps, voucher.number, transaction_id="t2") == rules.VOUCHER_PAID
    assert refusal(deps, voucher.number, aggregator_id="bank2") == rules.VOUCHER_PAID  # ids are per aggregator
    assert deps.vouchers.get(voucher.number).transaction_id == "t1" and len(fee_paid(deps)) == 1


def test_a_repeated_transaction_gets_the_first_answer_and_changes_nothing(deps, voucher, clock):
    first = pay(deps, voucher.number)
    stored, published = dict(deps.vouchers.vouchers), list(deps.vouchers.events)
    clock.advance(days=30)  # long past the due date
    assert pay(deps, voucher.number) == first
    assert pay(deps, "garbage", amount=5, paid_at=clock.now) == first  # whatever else the repeat carries
    assert deps.vouchers.vouchers == stored and deps.vouchers.events == published


def test_a_repeated_refused_transaction_is_refused_again_even_if_it_would_pass_now(deps, voucher):
    assert refusal(deps, voucher.number, amount=500) == rules.WRONG_AMOUNT
    recorded = deps.transactions.get("agg", "t1")
    assert refusal(deps, voucher.number, amount=1000) == rules.WRONG_AMOUNT
    assert deps.transactions.get("agg", "t1") == recorded
    assert deps.vouchers.get(voucher.number).status == rules.UNPAID and fee_paid(deps) == []


def test_unknown_and_mistyped_numbers_are_refused_and_recorded_as_sent(deps, voucher):
    typo = voucher.number[:-1] + str((int(voucher.number[-1]) + 1) % 10)
    assert refusal(deps, typo) == rules.UNKNOWN_VOUCHER
    recorded = deps.transactions.get("agg", "t1")
    assert (recorded.voucher_number, recorded.application_id) == (typo, None)
    assert refusal(deps, voucher.number) == rules.UNKNOWN_VOUCHER  # t1 again: answered as the first time
    assert refusal(deps, "9" * 500, transaction_id="t2") == rules.UNKNOWN_VOUCHER
    assert deps.transactions.get("agg", "t2").voucher_number == "9" * aggregator.MAX_SENT_NUMBER


def test_a_cancelled_voucher_is_refused(deps, voucher):
    vouchers.cancel_for_withdrawal(deps, "app1")
    assert refusal(deps, voucher.number) == rules.VOUCHER_CANCELLED
    assert deps.transactions.get("agg", "t1").application_id == "app1"


def test_a_request_stopped_before_its_answer_was_recorded_is_accepted_on_its_repeat(deps, voucher):
    def stop():
        raise ConnectionError("the database went away")

    deps.transactions.before_record = stop
    with pytest.raises(ConnectionError):
        pay(deps, voucher.number)
    assert deps.vouchers.get(voucher.number).status == rules.PAID and deps.transactions.get("agg", "t1") is None
    answer = pay(deps, voucher.number)
    assert answer.accepted and deps.transactions.get("agg", "t1") == answer
    assert len(fee_paid(deps)) == 1


def twin_request(deps, voucher, clock, answers):
    """The same request, a second later, run to its end while the first one waits."""
    def run():
        clock.advance(seconds=1)
        answers.append(pay(deps, voucher.number))
    return run


def test_the_same_transaction_twice_at_once_pays_once_and_answers_alike(deps, voucher, clock):
    twin = []
    deps.vouchers.before_write = twin_request(deps, voucher, clock, twin)  # its write lands first
    answer = pay(deps, voucher.number)
    assert answer == twin[0] and answer.accepted and answer.answered_at == clock.now  # the twin's record
    assert len(fee_paid(deps)) == 1 and len(deps.transactions.answers) == 1


def test_of_two_at_once_the_answer_recorded_first_is_the_answer(deps, voucher, clock):
    twin = []
    deps.transactions.before_record = twin_request(deps, voucher, clock, twin)  # the voucher paid, its record first
    answer = pay(deps, voucher.number)
    assert answer == twin[0] and answer.answered_at == clock.now
    assert len(fee_paid(deps)) == 1


def test_another_transaction_paying_between_the_read_and_the_write_wins(deps, voucher):
    deps.vouchers.before_write = lambda: pay(deps, voucher.number, transaction_id="t2")
    assert refusal(deps, voucher.number, transaction_id="t1") == rules.VOUCHER_PAID
    assert deps.vouchers.get(voucher.number).transaction_id == "t2" and len(fee_paid(deps)) == 1


def test_a_withdrawal_landing_between_the_read_and_the_write_wins(deps, voucher):
    deps.vouchers.before_write = lambda: vouchers.cancel_for_withdrawal(deps, "app1")
    assert refusal(deps, voucher.number) == rules.VOUCHER_CANCELLED
    assert fee_paid(deps) == []


def test_paid_at_must_say_its_timezone(deps, voucher):
    with pytest.raises(ValueError):
        pay(deps, voucher.number, paid_at=PAID_AT.replace(tzinfo=None))
    assert deps.transactions.answers == {}


def test_fee_paid_reports_the_payment_time_in_utc(deps, voucher):
    in_pakistan = voucher.issued_at.astimezone(dt.timezone(dt.timedelta(hours=5)))
    pay(deps, voucher.number, paid_at=in_pakistan)
    assert fee_paid(deps)[0]["payload"]["paid_at"] == "2026-03-01T09:30:00.000Z"
