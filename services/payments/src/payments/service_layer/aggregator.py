"""What the bill aggregator asks: an inquiry (what is this voucher?) and a payment (this voucher was
paid through us). Refusals are `Refused`, with a code for the aggregator's software
(domain.vouchers.REFUSALS).

A payment is idempotent on (aggregator_id, transaction_id): every answer, acceptance or refusal, is
recorded under that id, and a repeat of the id gets the recorded answer again, changes nothing and
publishes nothing, whatever else it carries. The voucher moves unpaid → paid in one conditional
write that also holds FeePaid, so a voucher is paid once and FeePaid published once.

The voucher's write comes before the answer's record (they are two documents). A request that
stops between them leaves the voucher paid by its transaction and no answer recorded; its repeat
finds the voucher paid by this very transaction and is accepted again, without a second write.
Two requests with one transaction id at once: one write wins, the other finds the voucher paid by
its own transaction, and the repository keeps the first answer recorded.
"""
import dataclasses
import datetime as dt
import logging

from payments.domain import events
from payments.domain.vouchers import (PAY, Refused, Transaction, Voucher, checked_number, decide_payment, known,
                                      status_at)
from payments.service_layer.dependencies import Dependencies

MAX_SENT_NUMBER = 40  # characters of a mistyped voucher number kept in the transaction's record
log = logging.getLogger(__name__)


def inquiry(deps: Dependencies, voucher_number: str) -> dict:
    """{voucher_number, payer_name, amount, due_date, status} of the voucher, as of now: an unpaid voucher
    past its due date answers `expired` even before the scheduler marks it; an erased application's voucher
    names a neutral placeholder as its payer (domain.vouchers.PAYER_NAME_ERASED). Refused(unknown_voucher) for
    a number that is mistyped or finds no voucher."""
    number = checked_number(voucher_number)
    voucher = known(deps.vouchers.get(number))
    return {
        "voucher_number": voucher.number,
        "payer_name": voucher.payer_shown,
        "amount": voucher.amount,
        "due_date": voucher.due_date,
        "status": status_at(voucher, deps.now()),
    }


def payment(deps: Dependencies, aggregator_id: str, voucher_number: str, amount: int, paid_at: dt.datetime,
            transaction_id: str) -> Transaction:
    """Accept the aggregator's payment of `amount` rupees for the voucher, made at `paid_at` (aware):
    the voucher is paid and FeePaid published; returns the recorded transaction. Refused, with the code
    domain.vouchers.decide_payment gives, when it cannot be accepted. A transaction id the aggregator
    sent before gets the first answer again and changes nothing."""
    recorded = deps.transactions.get(aggregator_id, transaction_id)
    if recorded is not None:
        log.info("transaction %s of %s repeated: answered as before", transaction_id, aggregator_id)
        return recorded.answer()
    if paid_at.tzinfo is None:
        raise ValueError("paid_at must be timezone-aware")
    now = deps.now()
    transaction = Transaction(aggregator_id=aggregator_id, transaction_id=transaction_id,
                              voucher_number=str(voucher_number)[:MAX_SENT_NUMBER], amount=amount, paid_at=paid_at,
                              answered_at=now)
    try:
        number = checked_number(voucher_number)
        transaction = dataclasses.replace(transaction, voucher_number=number)
        voucher = known(deps.vouchers.get(number))
        transaction = dataclasses.replace(transaction, application_id=voucher.application_id)
        _pay(deps, voucher, transaction, now)
    except Refused as refusal:
        transaction = dataclasses.replace(transaction, refusal=refusal.code, refusal_message=refusal.message)
        log.info("transaction %s of %s refused: %s", transaction_id, aggregator_id, refusal.code)
    return deps.transactions.record(transaction).answer()


def _pay(deps: Dependencies, voucher: Voucher | None, transaction: Transaction, now: dt.datetime) -> None:
    """Mark the voucher paid by `transaction`, unless this very transaction paid it already; Refused when
    it cannot be. A voucher that moved between its read and the write (paid by another transaction,
    expired, cancelled) is decided again as it is now."""
    while decide_payment(voucher, transaction, now) == PAY:
        if deps.vouchers.mark_paid(voucher.number, transaction, events.fee_paid(voucher, transaction)):
            log.info("voucher %s paid: transaction %s of %s", voucher.number, transaction.transaction_id,
                     transaction.aggregator_id)
            return
        voucher = deps.vouchers.get(voucher.number)
