"""A fee voucher: the bill an applicant approved in principle pays through a bill aggregator (a bank
app, a branch), its statuses, and the rules for answering the aggregator. Pure: no storage, no clock.

    unpaid ──a payment──▶ paid
    unpaid ──its due date passed (the scheduler marks it)──▶ expired
    unpaid ──the application was withdrawn──▶ cancelled

Whatever its status, a voucher loses its payer's name when its application is erased (`erased_at`); its
numbers, amount, dates and status stay, for the board's accounts.

Only an unpaid voucher moves, and every move is final, so each status change happens once however
often an event or request repeats. One voucher is issued per application and fee cycle
(`fee_cycle`: REGISTRATION for the first registration's fee), under a number of domainkit.vouchers.

A voucher is payable through the whole of its due date, which ends at midnight UTC (05:00 in
Pakistan: a few hours' lenience, never a refusal on the due date itself): that moment is kept as its
`due_at`. A due time of a fraction of a day (`FEE_DUE_DAYS`, for tests that cannot wait a day) ends
exactly that long after the issue. Past it an unpaid voucher
is expired whether or not the scheduler has marked it yet, so what the aggregator is told never
depends on when the scheduler last ran. Money is integer rupees.
"""
import dataclasses
import datetime as dt
import secrets

from domainkit.vouchers import SERIAL_DIGITS, normalise_voucher_number

UNPAID, PAID, EXPIRED, CANCELLED = "unpaid", "paid", "expired", "cancelled"
STATUSES = (UNPAID, PAID, EXPIRED, CANCELLED)

PAYER_NAME_ERASED = "Name withheld"  # what an inquiry shows for a voucher whose application was erased

REGISTRATION = "registration"  # the fee cycle of a new registration (a renewal has its own: "renewal:<request>")

# The codes of the aggregator's refusals (Refused.code), for its software to act on.
UNKNOWN_VOUCHER = "unknown_voucher"  # no voucher has the number, or it is mistyped (the check digit disagrees)
WRONG_AMOUNT = "wrong_amount"  # the amount paid is not the voucher's
VOUCHER_EXPIRED = "voucher_expired"  # its due date has passed
VOUCHER_PAID = "voucher_paid"  # another transaction paid it already
VOUCHER_CANCELLED = "voucher_cancelled"  # the application was withdrawn
REFUSALS = (UNKNOWN_VOUCHER, WRONG_AMOUNT, VOUCHER_EXPIRED, VOUCHER_PAID, VOUCHER_CANCELLED)

# What a payment does to its voucher (decide_payment): mark it paid now, or nothing, because this
# very transaction paid it already (a repeat whose first answer was never recorded).
PAY, PAID_BY_THIS_TRANSACTION = "pay", "paid by this transaction"


class Refused(Exception):
    """The aggregator's inquiry or payment is refused: `code` (one of REFUSALS) for its software,
    `message` for the person at the counter."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class NumberTaken(Exception):
    """Another voucher has this number already (a random serial drawn twice): draw another."""


class AlreadyIssued(Exception):
    """The application has a voucher for this fee cycle already (the event was delivered again)."""


@dataclasses.dataclass(frozen=True)
class Voucher:
    number: str  # 16 digits (domainkit.vouchers); the aggregator's key
    application_id: str
    fee_cycle: str
    payer_name: str | None  # shown to the payer on inquiry, to confirm it is their bill; None once erased
    amount: int  # rupees
    issued_at: dt.datetime
    due_date: dt.date  # the last day it may be paid
    status: str
    updated_at: dt.datetime
    paid_at: dt.datetime | None = None  # as the aggregator reported it
    aggregator_id: str | None = None  # who collected the payment
    due_at: dt.datetime | None = None  # when it stops being payable; None: kept before it was (the due date's end)
    transaction_id: str | None = None  # the aggregator's id of the payment
    erased_at: dt.datetime | None = None  # when the application's personal data was removed (ApplicationErased)

    @property
    def payer_shown(self) -> str:
        """The name an inquiry shows: the payer's, or a neutral placeholder once it was erased."""
        return self.payer_name or PAYER_NAME_ERASED


@dataclasses.dataclass(frozen=True)
class Transaction:
    """One payment request of an aggregator and the answer it got, kept under (aggregator_id,
    transaction_id) so that a repeat of the request gets the same answer and changes nothing."""
    aggregator_id: str
    transaction_id: str
    voucher_number: str  # the 16 digits; as sent, when it is not a voucher number
    amount: int
    paid_at: dt.datetime  # as the aggregator reported it
    answered_at: dt.datetime
    application_id: str | None = None  # the voucher's, when there is one
    refusal: str | None = None  # the refusal's code; None: accepted
    refusal_message: str | None = None

    @property
    def accepted(self) -> bool:
        return self.refusal is None

    def answer(self) -> "Transaction":
        """This transaction when it was accepted; its refusal, raised again, when it was not."""
        if self.refusal is not None:
            raise Refused(self.refusal, self.refusal_message or self.refusal)
        return self


def random_serial() -> int:
    """A voucher serial drawn at random from 1 … 10^11 - 1: numbers nobody can guess from their own."""
    return secrets.randbelow(10 ** SERIAL_DIGITS - 1) + 1


def new_voucher(number: str, application_id: str, fee_cycle: str, payer_name: str, amount: int,
                issued_at: dt.datetime, due_days: float) -> Voucher:
    """An unpaid voucher issued at `issued_at`, payable to the end of the day (UTC) `due_days` days after
    that day; a fraction of a day (tests) makes it payable exactly that long."""
    if float(due_days).is_integer():
        due_date = utc_day(issued_at) + dt.timedelta(days=int(due_days))
        due_at = end_of_day(due_date)
    else:
        due_at = issued_at + dt.timedelta(days=due_days)
        due_date = utc_day(due_at - dt.timedelta(microseconds=1))
    return Voucher(number=number, application_id=application_id, fee_cycle=fee_cycle, payer_name=payer_name,
                   amount=amount, issued_at=issued_at, due_date=due_date, status=UNPAID, updated_at=issued_at,
                   due_at=due_at)


def utc_day(at: dt.datetime) -> dt.date:
    """The calendar day (UTC) of an aware datetime."""
    return at.astimezone(dt.timezone.utc).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """Midnight UTC after `day`."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=dt.timezone.utc)


def payable_until(voucher: Voucher) -> dt.datetime:
    """When the voucher stops being payable: its `due_at`, or for one kept before that was, the end of its
    due date."""
    return voucher.due_at or end_of_day(voucher.due_date)


def is_expired(voucher: Voucher, now: dt.datetime) -> bool:
    """Whether the voucher is expired at `now`: marked so, or unpaid past the end of its due date."""
    return voucher.status == EXPIRED or (voucher.status == UNPAID and now >= payable_until(voucher))


def status_at(voucher: Voucher, now: dt.datetime) -> str:
    """The status the aggregator is told at `now`: the stored one, but `expired` for an unpaid voucher
    past its due date that the scheduler has not marked yet."""
    return EXPIRED if is_expired(voucher, now) else voucher.status


def checked_number(text: str) -> str:
    """The 16 digits of a voucher number as an aggregator sent it (spaces and dashes allowed);
    Refused(unknown_voucher) when it is not one: wrong length, or a digit mistyped or two swapped
    (the check digit disagrees), so a typo never finds someone else's bill."""
    number = normalise_voucher_number(text)
    if number is None:
        raise Refused(UNKNOWN_VOUCHER, "This is not a voucher number: check its 16 digits.")
    return number


def known(voucher: Voucher | None) -> Voucher:
    """The voucher; Refused(unknown_voucher) when the number found none."""
    if voucher is None:
        raise Refused(UNKNOWN_VOUCHER, "No voucher has this number.")
    return voucher


def decide_payment(voucher: Voucher | None, transaction: Transaction, now: dt.datetime) -> str:
    """What `transaction` does to `voucher` at `now` (the time it reached us): PAY (mark it paid) or
    PAID_BY_THIS_TRANSACTION (this very transaction paid it already: accepted, nothing changes).

    Refused otherwise, the first that applies of: unknown_voucher; voucher_cancelled; voucher_paid (by
    another transaction); voucher_expired (past its due date when paid, by the aggregator's `paid_at`,
    or when received, by `now`: a payment that reaches us after the voucher lapsed is refused even if
    the payer paid in time, since the lapse may already be published); wrong_amount (not exactly the
    voucher's rupees). Refusals that no change of amount could cure come first."""
    voucher = known(voucher)
    if voucher.status == CANCELLED:
        raise Refused(VOUCHER_CANCELLED, "This voucher was cancelled: the application was withdrawn.")
    if voucher.status == PAID:
        if (voucher.aggregator_id, voucher.transaction_id) == (transaction.aggregator_id, transaction.transaction_id):
            return PAID_BY_THIS_TRANSACTION
        raise Refused(VOUCHER_PAID, "This voucher is paid already.")
    if is_expired(voucher, now) or is_expired(voucher, transaction.paid_at):
        raise Refused(VOUCHER_EXPIRED, f"This voucher was payable until {voucher.due_date.isoformat()}.")
    if type(transaction.amount) is not int or transaction.amount != voucher.amount:
        raise Refused(WRONG_AMOUNT, f"This voucher is for exactly {voucher.amount} rupees.")
    return PAY
