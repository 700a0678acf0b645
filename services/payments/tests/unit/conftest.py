"""In-memory fakes of payments' repositories (the contracts in service_layer/dependencies.py), a clock the
test moves, a serial source it steers, and the dependencies built from them. The fakes keep the rules
the database enforces: unique voucher numbers and one voucher per application and fee cycle, every
move of a voucher applying only to an unpaid one, a transaction's first answer kept."""
import dataclasses
import datetime as dt
import itertools

import pytest

from eventkit.envelope import new_event
from payments.domain import vouchers as rules
from payments.service_layer.dependencies import Dependencies, Settings

START = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone.utc)
BILLER_CODE = "7711"


class FakeVouchers:
    """The voucher repository over a dict by number; `events` is what the outbox would publish, in order."""

    def __init__(self):
        self.vouchers: dict[str, rules.Voucher] = {}
        self.events: list[dict] = []
        self.before_write = None  # called before each conditional move: a test's "meanwhile"

    def add(self, voucher, events):
        if voucher.number in self.vouchers:
            raise rules.NumberTaken(voucher.number)
        if self._of_application(voucher.application_id, voucher.fee_cycle) is not None:
            raise rules.AlreadyIssued(voucher.application_id)
        self.vouchers[voucher.number] = voucher
        self.events.extend(events)

    def get(self, number):
        return self.vouchers.get(number)

    def get_by_application(self, application_id, fee_cycle):
        return self._of_application(application_id, fee_cycle)

    def _of_application(self, application_id, fee_cycle):  # the unique index's view, whatever a test patches
        return next((v for v in self.vouchers.values()
                     if (v.application_id, v.fee_cycle) == (application_id, fee_cycle)), None)

    def of_application(self, application_id):
        return sorted((v for v in self.vouchers.values() if v.application_id == application_id),
                      key=lambda v: (v.issued_at, v.number))

    def remove_personal_data(self, number, at, events):
        """As the real one: once per voucher, whatever its status; the events stored with it."""
        voucher = self.vouchers.get(number)
        if voucher is None or voucher.erased_at is not None:
            return False
        self.vouchers[number] = dataclasses.replace(voucher, payer_name=None, erased_at=at)
        self.events.extend(events)
        return True

    def _move_unpaid(self, number, event, **changes):
        if self.before_write is not None:
            meanwhile, self.before_write = self.before_write, None
            meanwhile()
        voucher = self.vouchers.get(number)
        if voucher is None or voucher.status != rules.UNPAID:
            return False
        self.vouchers[number] = dataclasses.replace(voucher, **changes)
        self.events.append(event)
        return True

    def mark_paid(self, number, transaction, event):
        return self._move_unpaid(number, event, status=rules.PAID, updated_at=transaction.answered_at,
                                 paid_at=transaction.paid_at, aggregator_id=transaction.aggregator_id,
                                 transaction_id=transaction.transaction_id)

    def mark_expired(self, number, at, event):
        return self._move_unpaid(number, event, status=rules.EXPIRED, updated_at=at)

    def cancel(self, number, at, event):
        return self._move_unpaid(number, event, status=rules.CANCELLED, updated_at=at)

    def unpaid_payable_until_before(self, at, limit):
        due = sorted((v for v in self.vouchers.values() if v.status == rules.UNPAID and v.due_at is not None
                      and v.due_at <= at), key=lambda v: (v.due_at, v.number))
        return due[:limit]

    def fill_missing_due_at(self, limit):
        missing = [v for v in self.vouchers.values() if v.status == rules.UNPAID and v.due_at is None][:limit]
        for voucher in missing:
            self.vouchers[voucher.number] = dataclasses.replace(voucher, due_at=rules.payable_until(voucher))
        return len(missing)

    def of_type(self, event_type):
        return [e for e in self.events if e["event_type"] == event_type]


class FakeTransactions:
    """Answers by (aggregator_id, transaction_id); `before_record` runs before the next record (a race)."""

    def __init__(self):
        self.answers: dict[tuple[str, str], rules.Transaction] = {}
        self.before_record = None

    def get(self, aggregator_id, transaction_id):
        return self.answers.get((aggregator_id, transaction_id))

    def record(self, transaction):
        if self.before_record is not None:
            meanwhile, self.before_record = self.before_record, None
            meanwhile()
        return self.answers.setdefault((transaction.aggregator_id, transaction.transaction_id), transaction)


class FakeWithdrawals:
    def __init__(self):
        self.withdrawn: dict[str, dt.datetime] = {}

    def record(self, application_id, at):
        self.withdrawn.setdefault(application_id, at)

    def includes(self, application_id):
        return application_id in self.withdrawn


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


class Serials:
    """The serial source: the serials queued in `queued` first, then 1, 2, 3, … (skipping none)."""

    def __init__(self):
        self.queued: list[int] = []
        self._counting = itertools.count(1)

    def __call__(self):
        return self.queued.pop(0) if self.queued else next(self._counting)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def serials():
    return Serials()


@pytest.fixture
def deps(clock, serials):
    return Dependencies(vouchers=FakeVouchers(), transactions=FakeTransactions(), withdrawals=FakeWithdrawals(),
                        settings=Settings(biller_code=BILLER_CODE, fee_amount=1000, fee_due_days=14),
                        clock=clock, draw_serial=serials)


def approved_in_principle(application_id="app1", payer_name="Ayesha Khan", **payload):
    """ApplicationApprovedInPrinciple as verification will publish it (the payer's name in the clear for now)."""
    return new_event("ApplicationApprovedInPrinciple", application_id,
                     {"application_id": application_id, "payer_name": payer_name, **payload}, source="verification")


def withdrawn(application_id="app1"):
    return new_event("ApplicationWithdrawn", application_id, {"application_id": application_id}, source="intake")


@pytest.fixture
def approval():
    return approved_in_principle


@pytest.fixture
def withdrawal():
    return withdrawn
