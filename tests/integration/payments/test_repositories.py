"""Payments' repositories on the real database (a database of its own per test), driven through the service
layer where it has a use case: what a voucher's document holds, the refusals the indexes give (a number
taken, a second voucher of one application), the conditional moves, a transaction's first answer kept
when two requests with its id race, the withdrawals remembered once, the scheduler's order, and an erasure that
clears the payer's name and the published contact once, with its event, past a relay marking the outbox."""
import dataclasses
import datetime as dt
import itertools
import threading

import pytest

from domainkit.vouchers import format_voucher_number
from eventkit.indexes import ensure_indexes
from eventkit.outbox import PENDING, SENT
from payments.adapters.indexes import INDEXES
from payments.adapters.transactions import TransactionRepository
from payments.adapters.vouchers import VoucherRepository
from payments.adapters.withdrawals import WithdrawalRepository
from payments.domain import events
from payments.domain import vouchers as rules
from payments.service_layer import aggregator, erasure, expiry, vouchers
from payments.service_layer.dependencies import Dependencies, Settings

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PAID_AT = dt.datetime(2026, 3, 2, 15, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5)))


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


class Serials:
    """The serials queued in `queued` first, then 1, 2, 3, …"""

    def __init__(self):
        self.queued: list[int] = []
        self._counting = itertools.count(1)

    def __call__(self):
        return self.queued.pop(0) if self.queued else next(self._counting)


@pytest.fixture
def deps(database):
    ensure_indexes(database, INDEXES)
    return Dependencies(vouchers=VoucherRepository(database), transactions=TransactionRepository(database),
                        withdrawals=WithdrawalRepository(database), settings=Settings(biller_code="7711"),
                        clock=Clock(), draw_serial=Serials())


def number(serial: int) -> str:
    return format_voucher_number("7711", serial)


def stored(database, voucher_number: str) -> dict:
    return database["vouchers"].find_one({"_id": voucher_number})


def event_types(document: dict) -> list[str]:
    return [entry["event"]["event_type"] for entry in document["outbox"]]


def test_an_issued_voucher_is_one_document_with_its_event_and_reads_back_as_issued(deps, database):
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan")
    assert deps.vouchers.get(voucher.number) == voucher == deps.vouchers.get_by_application("app1", rules.REGISTRATION)
    document = stored(database, voucher.number)
    assert {k: v for k, v in document.items() if k not in ("outbox", "outbox_pending", "revision")} == {
        "_id": number(1), "application_id": "app1", "fee_cycle": rules.REGISTRATION, "payer_name": "Ayesha Khan",
        "amount": 1000, "issued_at": START, "due_date": "2026-03-15", "due_at": dt.datetime(2026, 3, 16, tzinfo=UTC),
        "status": rules.UNPAID, "updated_at": START, "paid_at": None, "aggregator_id": None, "transaction_id": None,
        "erased_at": None}
    assert event_types(document) == [events.VOUCHER_ISSUED] and document["outbox"][0]["state"] == PENDING
    assert (document["outbox_pending"], document["revision"]) == (True, 1)
    assert deps.vouchers.get(number(2)) is None and deps.vouchers.get_by_application("app2", "registration") is None


def test_a_number_taken_is_refused_by_the_database_and_the_service_draws_another(deps, database):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    clash = dataclasses.replace(first, application_id="app2")
    with pytest.raises(rules.NumberTaken):
        deps.vouchers.add(clash, [events.voucher_issued(clash)])
    assert database["vouchers"].count_documents({}) == 1
    deps.draw_serial.queued = [1, 1, 7]
    second = vouchers.issue(deps, "app2", "Bilal Ahmed")
    assert second.number == number(7) and deps.vouchers.get(number(7)).application_id == "app2"
    assert deps.vouchers.get(number(1)) == first


def test_one_voucher_per_application_and_fee_cycle_is_kept_by_the_unique_index(deps, database):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    again = dataclasses.replace(first, number=number(2))
    with pytest.raises(rules.AlreadyIssued):
        deps.vouchers.add(again, [events.voucher_issued(again)])
    assert database["vouchers"].count_documents({}) == 1
    renewal = dataclasses.replace(first, number=number(3), fee_cycle="renewal-2027")
    deps.vouchers.add(renewal, [events.voucher_issued(renewal)])  # another fee cycle is another voucher
    assert deps.vouchers.get_by_application("app1", "renewal-2027") == renewal
    assert vouchers.issue(deps, "app1", "Ayesha Khan") == first  # the event again: the same voucher


def test_two_deliveries_of_one_approval_at_once_issue_one_voucher(deps, database):
    barrier = threading.Barrier(2)
    issued = []

    def deliver():
        barrier.wait()
        issued.append(vouchers.issue(deps, "app1", "Ayesha Khan"))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(issued) == 2 and issued[0].application_id == issued[1].application_id == "app1"
    assert issued[0].number == issued[1].number
    (document,) = database["vouchers"].find({})
    assert event_types(document) == [events.VOUCHER_ISSUED]


def test_each_move_applies_once_and_only_to_an_unpaid_voucher(deps, database):
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan")
    transaction = rules.Transaction("bank1", "T-1", voucher.number, 1000, PAID_AT, START + dt.timedelta(hours=1),
                                    application_id="app1")
    assert deps.vouchers.mark_paid(voucher.number, transaction, events.fee_paid(voucher, transaction))
    at = START + dt.timedelta(days=30)
    assert not deps.vouchers.mark_paid(voucher.number, transaction, events.fee_paid(voucher, transaction))
    assert not deps.vouchers.mark_expired(voucher.number, at, events.voucher_expired(voucher))
    assert not deps.vouchers.cancel(voucher.number, at, events.voucher_cancelled(voucher))
    assert not deps.vouchers.mark_expired(number(99), at, events.voucher_expired(voucher))  # no such voucher
    paid = deps.vouchers.get(voucher.number)
    assert (paid.status, paid.aggregator_id, paid.transaction_id, paid.updated_at) == \
        (rules.PAID, "bank1", "T-1", START + dt.timedelta(hours=1))
    assert paid.paid_at == PAID_AT.replace(microsecond=123000) and paid.paid_at.tzinfo == UTC  # as BSON keeps it
    document = stored(database, voucher.number)
    assert event_types(document) == [events.VOUCHER_ISSUED, events.FEE_PAID] and document["revision"] == 2

    other = vouchers.issue(deps, "app2", "Bilal Ahmed")
    assert deps.vouchers.mark_expired(other.number, at, events.voucher_expired(other))
    assert not deps.vouchers.cancel(other.number, at, events.voucher_cancelled(other))
    assert (deps.vouchers.get(other.number).status, deps.vouchers.get(other.number).updated_at) == (rules.EXPIRED, at)
    assert event_types(stored(database, other.number)) == [events.VOUCHER_ISSUED, events.VOUCHER_EXPIRED]


def test_two_transactions_paying_one_voucher_at_once_pay_it_once(deps, database):
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan")
    barrier = threading.Barrier(2)
    answers = {}

    def pay(transaction_id):
        barrier.wait()
        try:
            answers[transaction_id] = aggregator.payment(deps, "bank1", voucher.number, 1000, PAID_AT, transaction_id)
        except rules.Refused as refusal:
            answers[transaction_id] = refusal.code

    threads = [threading.Thread(target=pay, args=(f"T-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = [t for t, answer in answers.items() if isinstance(answer, rules.Transaction)]
    refused = [answer for answer in answers.values() if answer == rules.VOUCHER_PAID]
    assert (len(accepted), len(refused)) == (1, 1)
    assert deps.vouchers.get(voucher.number).transaction_id == accepted[0]
    assert event_types(stored(database, voucher.number)) == [events.VOUCHER_ISSUED, events.FEE_PAID]


def test_a_recorded_transaction_is_returned_as_a_later_read_gives_it(deps):
    transaction = rules.Transaction("bank1", "T-1", number(1), 1000, PAID_AT, START, refusal=rules.UNKNOWN_VOUCHER,
                                    refusal_message="No voucher has this number.")
    recorded = deps.transactions.record(transaction)
    assert recorded == deps.transactions.get("bank1", "T-1")
    assert recorded.paid_at == PAID_AT.replace(microsecond=123000) and recorded.paid_at.tzinfo == UTC
    assert (recorded.refusal, recorded.application_id) == (rules.UNKNOWN_VOUCHER, None)
    assert deps.transactions.get("bank2", "T-1") is None and deps.transactions.get("bank1", "T-2") is None


def test_two_records_of_one_transaction_at_once_keep_one_answer_and_both_get_it(deps, database):
    rounds = 8
    for round_ in range(rounds):
        barrier = threading.Barrier(2)
        returned = [None, None]

        def record(slot, round_=round_, barrier=barrier, returned=returned):
            answer = rules.Transaction("bank1", f"T-{round_}", number(1), 1000, PAID_AT,
                                       START + dt.timedelta(seconds=slot),
                                       refusal=None if slot == 0 else rules.WRONG_AMOUNT)
            barrier.wait()
            returned[slot] = deps.transactions.record(answer)

        threads = [threading.Thread(target=record, args=(slot,)) for slot in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert returned[0] == returned[1] == deps.transactions.get("bank1", f"T-{round_}")
    assert database["transactions"].count_documents({}) == rounds
    assert {d["_id"] for d in database["transactions"].find({}, {"_id": 1})} == {f"bank1:T-{n}" for n in range(rounds)}


def test_a_withdrawal_is_remembered_once_with_its_first_time(deps, database):
    assert not deps.withdrawals.includes("app1")
    barrier = threading.Barrier(3)

    def record(offset):
        barrier.wait()
        deps.withdrawals.record("app1", START + dt.timedelta(minutes=offset))

    threads = [threading.Thread(target=record, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deps.withdrawals.record("app1", START + dt.timedelta(days=1))
    (document,) = database["withdrawals"].find({})
    assert document["_id"] == "app1" and START <= document["withdrawn_at"] <= START + dt.timedelta(minutes=2)
    assert deps.withdrawals.includes("app1") and not deps.withdrawals.includes("app2")


def test_a_withdrawal_cancels_the_unpaid_voucher_and_stops_a_later_one(deps, database):
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan")
    assert vouchers.cancel_for_withdrawal(deps, "app1").status == rules.CANCELLED
    assert event_types(stored(database, voucher.number)) == [events.VOUCHER_ISSUED, events.VOUCHER_CANCELLED]
    vouchers.cancel_for_withdrawal(deps, "app2")
    assert vouchers.issue(deps, "app2", "Bilal Ahmed") is None
    assert database["vouchers"].count_documents({}) == 1


def test_unpaid_vouchers_no_longer_payable_come_earliest_due_first(deps):
    issued = {}
    for application, day in [("a", 5), ("b", 1), ("c", 3), ("d", 1), ("e", 9), ("f", 2), ("g", 3)]:
        deps.clock.now = START + dt.timedelta(days=day)
        issued[application] = vouchers.issue(deps, application, f"Payer {application}")
    vouchers.cancel_for_withdrawal(deps, "f")
    aggregator.payment(deps, "bank1", issued["g"].number, 1000, deps.clock.now, "T-g")
    # due dates: b, d 03-16; c 03-18; a 03-20; e 03-24 (f cancelled, g paid)
    at = dt.datetime(2026, 3, 21, tzinfo=UTC)
    found = deps.vouchers.unpaid_payable_until_before(at, 10)
    assert [v.application_id for v in found] == ["b", "d", "c", "a"]
    assert [v.due_date for v in found] == sorted(v.due_date for v in found)
    assert found == [deps.vouchers.get(v.number) for v in found]
    assert [v.application_id for v in deps.vouchers.unpaid_payable_until_before(at, 2)] == ["b", "d"]
    on_the_due_date = dt.datetime(2026, 3, 16, 23, 59, tzinfo=UTC)
    assert deps.vouchers.unpaid_payable_until_before(on_the_due_date, 10) == []  # payable through the whole day
    assert expiry.expire_due(deps, at) == 4
    assert expiry.expire_due(deps, at) == 0
    assert deps.vouchers.unpaid_payable_until_before(dt.datetime(2026, 4, 1, tzinfo=UTC), 10) == \
        [deps.vouchers.get(issued["e"].number)]


def test_vouchers_kept_before_due_at_are_given_the_end_of_their_due_date(deps, database):
    voucher = vouchers.issue(deps, "a", "Payer a")
    database["vouchers"].update_one({"_id": voucher.number}, {"$unset": {"due_at": ""}})  # as earlier versions kept it
    assert deps.vouchers.fill_missing_due_at(10) == 1 and deps.vouchers.fill_missing_due_at(10) == 0
    assert deps.vouchers.get(voucher.number) == voucher


def published(database, voucher_number: str) -> None:
    """Mark every event of the voucher sent, as the relay does (one write of the whole outbox, under its revision)."""
    document = stored(database, voucher_number)
    entries = [{**entry, "state": SENT, "send_count": 1} for entry in document["outbox"]]
    assert database["vouchers"].update_one({"_id": voucher_number, "revision": document["revision"]}, {
        "$set": {"outbox": entries, "outbox_pending": False}}).matched_count == 1


def test_an_erasure_clears_the_payer_and_the_published_contact_once_and_keeps_the_accounts(deps, database):
    passed_on = {"contact": "v2:app1.contact:c2VhbGVk", "language": "ur"}
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan", passed_on=passed_on)
    published(database, voucher.number)
    vouchers.cancel_for_withdrawal(deps, "app1")  # VoucherCancelled: still waiting for the relay
    relay_read = stored(database, voucher.number)  # what a relay read just before the erasure
    deps.clock.now = START + dt.timedelta(days=3)

    assert erasure.erase_application(deps, "app1", caused_by=None)
    assert not erasure.erase_application(deps, "app1", caused_by=None)  # redelivered: nothing written
    document = stored(database, voucher.number)
    assert document["payer_name"] is None and document["erased_at"] == deps.clock.now
    assert {k: document[k] for k in ("amount", "due_date", "status", "issued_at", "application_id", "fee_cycle")} == \
        {"amount": 1000, "due_date": "2026-03-15", "status": rules.CANCELLED, "issued_at": START,
         "application_id": "app1", "fee_cycle": rules.REGISTRATION}
    assert event_types(document) == [events.VOUCHER_ISSUED, events.VOUCHER_CANCELLED, events.ERASURE_COMPLETED]
    issued, cancelled, completed = document["outbox"]
    assert "contact" not in issued["event"]["payload"] and "language" not in issued["event"]["payload"]
    assert issued["state"] == SENT and issued["event"]["payload"]["voucher_number"] == voucher.number
    assert (cancelled["state"], completed["state"], document["outbox_pending"]) == (PENDING, PENDING, True)
    assert completed["event"]["payload"] == {"application_id": "app1", "service": "payments"}
    assert "Ayesha" not in str(document) and "c2VhbGVk" not in str(document)
    assert deps.vouchers.get(voucher.number).payer_shown == rules.PAYER_NAME_ERASED
    # the relay that read the outbox before cannot write the old entries back: the revision moved
    assert database["vouchers"].update_one({"_id": voucher.number, "revision": relay_read["revision"]}, {
        "$set": {"outbox": relay_read["outbox"]}}).matched_count == 0


def test_an_event_not_yet_published_keeps_its_sealed_contact_for_notification_to_skip(deps, database):
    voucher = vouchers.issue(deps, "app1", "Ayesha Khan", passed_on={"contact": "v2:app1.contact:eA"})
    assert erasure.erase_application(deps, "app1")
    issued = stored(database, voucher.number)["outbox"][0]
    assert issued["state"] == PENDING and issued["event"]["payload"]["contact"] == "v2:app1.contact:eA"
    assert stored(database, voucher.number)["payer_name"] is None


def test_an_applications_vouchers_come_earliest_issued_first(deps):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    deps.clock.now = START + dt.timedelta(days=400)
    renewal = vouchers.issue(deps, "app1", "Ayesha Khan", "renewal:e1")
    vouchers.issue(deps, "app2", "Bilal Ahmed")
    assert deps.vouchers.of_application("app1") == [first, renewal]
    assert deps.vouchers.of_application("nobody") == []
