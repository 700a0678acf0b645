"""What payments' service layer works with, passed in by the caller (a bootstrap will build the real
ones, unit tests pass in-memory fakes): the repositories' contracts, the fee settings, the clock and
the source of voucher serials.

Each repository method that changes something is one conditional write in a MongoDB-protocol
database: the change applies only from the state it names (an unpaid voucher, a transaction id not
yet recorded), the events it causes go in the same document (the outbox), and the method says
whether it applied. So two workers, a redelivered event or a repeated request never make a change
twice.
"""
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Protocol

from domainkit.clock import utc_now
from domainkit.vouchers import format_voucher_number
from payments.domain.vouchers import Transaction, Voucher, random_serial


class Vouchers(Protocol):
    """Fee vouchers, one document each under its number, with its outbox of events; unique on
    (application_id, fee_cycle)."""

    def add(self, voucher: Voucher, events: list[dict]) -> None:
        """Store a new voucher with its events in one insert. NumberTaken when a voucher has its number;
        AlreadyIssued when its application has a voucher for its fee cycle (nothing is stored either way)."""

    def get(self, number: str) -> Voucher | None: ...

    def get_by_application(self, application_id: str, fee_cycle: str) -> Voucher | None: ...

    def of_application(self, application_id: str) -> list[Voucher]:
        """Every voucher of the application (any fee cycle, any status), earliest issued first."""

    def remove_personal_data(self, number: str, at: dt.datetime, events: list[dict]) -> bool:
        """Clear the payer's name and the applicant's contact (and language) from the published events the voucher
        keeps, with `events` (ErasureCompleted, or none); False, changing nothing, when that was done before."""

    def mark_paid(self, number: str, transaction: Transaction, event: dict) -> bool:
        """Unpaid → paid, keeping who paid it (aggregator and transaction id) and when, with FeePaid;
        False, changing nothing, when the voucher is not unpaid."""

    def mark_expired(self, number: str, at: dt.datetime, event: dict) -> bool:
        """Unpaid → expired, with VoucherExpired; False, changing nothing, when it is not unpaid."""

    def cancel(self, number: str, at: dt.datetime, event: dict) -> bool:
        """Unpaid → cancelled, with VoucherCancelled; False, changing nothing, when it is not unpaid."""

    def unpaid_payable_until_before(self, at: dt.datetime, limit: int) -> list[Voucher]:
        """Up to `limit` unpaid vouchers no longer payable at `at` (by `due_at`), earliest due first."""

    def fill_missing_due_at(self, limit: int) -> int:
        """Give up to `limit` unpaid vouchers kept before `due_at` was their due date's end; how many."""


class Transactions(Protocol):
    """The aggregators' payment transactions and the answers they got, one document each under
    (aggregator_id, transaction_id); kept for good, as the record of what each aggregator was told."""

    def get(self, aggregator_id: str, transaction_id: str) -> Transaction | None: ...

    def record(self, transaction: Transaction) -> Transaction:
        """Store the transaction's answer in one insert, unless one is stored under its id already;
        returns the stored one (this one, or the first request's when two with one id raced)."""


class Withdrawals(Protocol):
    """The applications withdrawn, as ApplicationWithdrawn told payments: remembered even when no
    voucher exists yet, so a voucher is never left payable for an application withdrawn before its
    approval in principle arrived (the two events come on different topics, in either order)."""

    def record(self, application_id: str, at: dt.datetime) -> None:
        """Remember the withdrawal (once: a repeat changes nothing)."""

    def includes(self, application_id: str) -> bool: ...


@dataclasses.dataclass(frozen=True)
class Settings:
    """The fee: the aggregator's biller code for the board (4 digits), the amount in rupees, and the
    days from issue to the last day it may be paid."""
    biller_code: str
    fee_amount: int = 1000  # FEE_AMOUNT
    fee_due_days: float = 14  # FEE_DUE_DAYS (a fraction of a day only for tests: see domain.vouchers)

    def __post_init__(self):
        format_voucher_number(self.biller_code, 1)  # ValueError unless 4 digits
        if type(self.fee_amount) is not int or self.fee_amount <= 0:
            raise ValueError("the fee is a whole, positive number of rupees")
        if type(self.fee_due_days) not in (int, float) or self.fee_due_days < 0:
            raise ValueError("the days a voucher is payable are a number, 0 or more")


@dataclasses.dataclass(frozen=True)
class Dependencies:
    vouchers: Vouchers
    transactions: Transactions
    withdrawals: Withdrawals
    settings: Settings
    clock: Callable[[], dt.datetime] = utc_now  # the time the rules go by (tests set their own)
    draw_serial: Callable[[], int] = random_serial  # a voucher serial, 1 … 10^11 - 1
    # opens the `payer` part of an approval (the name, sealed by intake under the applicant's payer key, which
    # payments alone may fetch: servicekit.data_keys); None: approvals carry `payer_name` (earlier versions)
    payer_keyring: object | None = None

    def now(self) -> dt.datetime:
        return self.clock()
