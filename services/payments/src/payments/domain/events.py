"""The events payments publishes, keyed by application id, one per change of a voucher's status.

Each is written with the change it reports, in the voucher's own document (the outbox), so an
event is published if and only if its change was made. Payloads carry no personal data in
the clear: the payer's name stays in payments' database, and the applicant's contact details that
VoucherIssued passes on to notification are sealed under a key payments does not hold. Dates are
YYYY-MM-DD, times ISO 8601 in UTC, money integer rupees. Each names the voucher's `fee_cycle`
("registration", or "renewal:<request>"), so verification knows whether a payment registers or renews.
ErasureCompleted is the exception: not a change of status but the report that an erased application's personal
data is gone from payments, written with the last voucher's change that removed it.
"""
import datetime as dt

from eventkit.envelope import new_event
from payments.domain.vouchers import Transaction, Voucher

SOURCE = "payments"
VOUCHER_ISSUED = "VoucherIssued"
FEE_PAID = "FeePaid"
VOUCHER_EXPIRED = "VoucherExpired"
VOUCHER_CANCELLED = "VoucherCancelled"
ERASURE_COMPLETED = "ErasureCompleted"
EVENT_TYPES = (VOUCHER_ISSUED, FEE_PAID, VOUCHER_EXPIRED, VOUCHER_CANCELLED, ERASURE_COMPLETED)


def utc_iso(at: dt.datetime) -> str:
    """As the envelope writes times: 2026-03-01T09:30:00.000Z."""
    return at.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def voucher_issued(voucher: Voucher, caused_by: dict | None = None, passed_on: dict | None = None) -> dict:
    """The fee is due: what to pay, under which number, by when. `passed_on` (from the approval that asked
    for the voucher: `contact`, sealed for notification and unreadable here, and `language`) lets
    notification send the voucher to the applicant without asking anyone."""
    return new_event(VOUCHER_ISSUED, voucher.application_id, {
        "application_id": voucher.application_id,
        "voucher_number": voucher.number,
        "amount": voucher.amount,
        "due_date": voucher.due_date.isoformat(),
        "fee_cycle": voucher.fee_cycle,
        **(passed_on or {}),
    }, source=SOURCE, caused_by=caused_by)


def fee_paid(voucher: Voucher, transaction: Transaction) -> dict:
    """The fee is paid (a registration is issued on it); says which aggregator collected it, for reconciliation."""
    return new_event(FEE_PAID, voucher.application_id, {
        "application_id": voucher.application_id,
        "voucher_number": voucher.number,
        "amount": transaction.amount,
        "paid_at": utc_iso(transaction.paid_at),
        "transaction_id": transaction.transaction_id,
        "aggregator": transaction.aggregator_id,
        "fee_cycle": voucher.fee_cycle,
    }, source=SOURCE)


def voucher_expired(voucher: Voucher) -> dict:
    """The due date passed unpaid: the application lapses."""
    return new_event(VOUCHER_EXPIRED, voucher.application_id, {
        "application_id": voucher.application_id,
        "voucher_number": voucher.number,
        "due_date": voucher.due_date.isoformat(),
        "fee_cycle": voucher.fee_cycle,
    }, source=SOURCE)


def voucher_cancelled(voucher: Voucher, caused_by: dict | None = None) -> dict:
    """The application was withdrawn: its voucher can no longer be paid."""
    return new_event(VOUCHER_CANCELLED, voucher.application_id, {
        "application_id": voucher.application_id,
        "voucher_number": voucher.number,
    }, source=SOURCE, caused_by=caused_by)


def erasure_completed(application_id: str, caused_by: dict | None = None) -> dict:
    """What payments held of an erased application is gone (its vouchers keep no name, no contact); intake notes
    it on the application (`erasure.completed_by`). Caused by intake's ApplicationErased."""
    return new_event(ERASURE_COMPLETED, application_id, {
        "application_id": application_id,
        "service": SOURCE,
    }, source=SOURCE, caused_by=caused_by)
