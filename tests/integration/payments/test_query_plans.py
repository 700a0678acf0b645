"""Every query payments' adapters send is served by an index (adapters/indexes.py), as the server's own planner
says (tests/support/explain.py), on a database holding a few thousand vouchers, transactions and withdrawals.

The filters are not written out here: each repository method runs against that database through a client
that records every command it sends, and each recorded filter (finds, updates, find-and-modify, an
aggregate's first $match) is explained as a find, with its sort and limit. A new repository method without a
call here fails `test_every_repository_method_is_exercised`; a new query without an index fails its explain."""
import dataclasses
import datetime as dt
import random

import pytest
from pymongo import MongoClient

from domainkit.vouchers import format_voucher_number
from eventkit.indexes import ensure_indexes
from eventkit.outbox import PENDING_FILTER, new_document_fields
from payments.adapters import transactions as stored_transactions
from payments.adapters import vouchers as stored_vouchers
from payments.adapters.indexes import INDEXES
from payments.adapters.transactions import TransactionRepository
from payments.adapters.vouchers import VoucherRepository
from payments.adapters.withdrawals import WithdrawalRepository
from payments.domain import events
from payments.domain import vouchers as rules
from support.explain import FilterRecorder, assert_uses_index, public_methods

VOUCHERS = 3000
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)


def realistic_voucher(n: int) -> dict:
    """Voucher n as VoucherRepository.add stores it: issued over the last few months, most of them paid or
    expired long ago, a few hundred unpaid, a handful cancelled."""
    issued_at = NOW - dt.timedelta(days=random.randrange(120), minutes=random.randrange(1440))
    voucher = rules.new_voucher(format_voucher_number("7711", 10_000 + n), f"app{n:06d}", rules.REGISTRATION,
                                f"Applicant {n}", 1000, issued_at, 14)
    status = random.choices(rules.STATUSES, weights=[10, 70, 17, 3])[0]
    if status == rules.PAID:
        voucher = dataclasses.replace(voucher, status=status, paid_at=issued_at, aggregator_id="bank1",
                                      transaction_id=f"T-{n}")
    elif status != rules.UNPAID:
        voucher = dataclasses.replace(voucher, status=status)
    document = {**stored_vouchers.to_document(voucher), **new_document_fields([events.voucher_issued(voucher)])}
    document["outbox_pending"] = n % 50 == 0  # most were published long ago
    return document


def realistic_transaction(n: int) -> dict:
    return stored_transactions.to_document(rules.Transaction(
        "bank1", f"T-{n}", format_voucher_number("7711", 10_000 + n), 1000, NOW, NOW, application_id=f"app{n:06d}"))


@pytest.fixture(scope="module")
def populated(servers):
    """A database of its own with the declared indexes and a few thousand vouchers, transactions, withdrawals."""
    name = f"test_plans_{random.randrange(1 << 30):x}"
    recorder = FilterRecorder()
    client = MongoClient(servers.mongodb_uri, tz_aware=True, event_listeners=[recorder])
    db = client[name]
    ensure_indexes(db, INDEXES)
    random.seed(12)  # the same data every run
    db["vouchers"].insert_many([realistic_voucher(n) for n in range(VOUCHERS)])
    db["transactions"].insert_many([realistic_transaction(n) for n in range(VOUCHERS)])
    random.seed()  # and unpredictable again for every later test (their CNICs, names, emails)
    db["withdrawals"].insert_many([{"_id": f"app{n:06d}", "withdrawn_at": NOW} for n in range(0, VOUCHERS, 40)])
    recorder.queries.clear()
    yield db, recorder
    client.drop_database(name)
    client.close()


def exercise_every_method(db) -> set[str]:
    """Call each repository method the way payments does; returns the names called."""
    vouchers, transactions, withdrawals = VoucherRepository(db), TransactionRepository(db), WithdrawalRepository(db)
    called = set()

    def call(obj, method, *args):
        called.add(f"{type(obj).__name__}.{method}")
        return getattr(obj, method)(*args)

    serial = 1_000_000 + random.randrange(1_000_000)
    new = rules.new_voucher(format_voucher_number("7711", serial), f"new{serial}", rules.REGISTRATION, "New Payer",
                            1000, NOW, 14)
    call(vouchers, "add", new, [events.voucher_issued(new)])
    call(vouchers, "get", new.number)
    call(vouchers, "get_by_application", "app000007", rules.REGISTRATION)
    transaction = rules.Transaction("bank1", f"T-new{serial}", new.number, 1000, NOW, NOW,
                                    application_id=new.application_id)
    call(vouchers, "mark_paid", new.number, transaction, events.fee_paid(new, transaction))
    call(vouchers, "mark_expired", format_voucher_number("7711", 10_011), NOW, events.voucher_expired(new))
    call(vouchers, "cancel", format_voucher_number("7711", 10_012), NOW, events.voucher_cancelled(new))
    call(vouchers, "of_application", "app000007")
    call(vouchers, "remove_personal_data", format_voucher_number("7711", 10_013), NOW,
         [events.erasure_completed("app000013")])
    call(vouchers, "unpaid_payable_until_before", NOW, 200)
    call(vouchers, "fill_missing_due_at", 1000)
    call(vouchers, "drop_retired_index")
    call(transactions, "get", "bank1", "T-17")
    call(transactions, "record", transaction)
    call(transactions, "record", transaction)  # the same again: refused by `_id`, and read
    call(withdrawals, "record", f"new{serial}", NOW)
    call(withdrawals, "includes", "app000040")
    return called


def test_every_repository_method_is_exercised(populated):
    db, _ = populated
    called = exercise_every_method(db)
    assert public_methods(VoucherRepository) | public_methods(TransactionRepository) | \
        public_methods(WithdrawalRepository) == called


def test_every_query_payments_sends_uses_an_index(populated):
    db, recorder = populated
    recorder.queries.clear()
    exercise_every_method(db)
    queries = list(recorder.queries)
    queries.append(("vouchers", PENDING_FILTER, None, 200))  # the outbox relay's query on payments' collection
    # the unique index's check of a new voucher
    queries.append(("vouchers", {"application_id": "app000001", "fee_cycle": rules.REGISTRATION}, None, None))
    assert {collection for collection, *_ in queries} == {"vouchers", "transactions", "withdrawals"}
    for collection, filter_, sort, limit in queries:
        assert_uses_index(db[collection], filter_, sort=list(sort.items()) if sort else None, limit=limit)


def test_the_schedulers_query_is_answered_in_order_by_its_index(populated):
    db, _ = populated
    found = VoucherRepository(db).unpaid_payable_until_before(NOW, 50)
    assert found and all(v.status == rules.UNPAID and v.due_at <= NOW for v in found)
    assert [(v.due_at, v.number) for v in found] == sorted((v.due_at, v.number) for v in found)
    assert_uses_index(db["vouchers"], {"status": rules.UNPAID, "due_at": {"$lte": NOW}},
                      sort=[("due_at", 1), ("_id", 1)], limit=50, index=stored_vouchers.DUE_INDEX)
