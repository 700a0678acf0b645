"""An application erased (intake's ApplicationErased): payments removes the personal data it holds of it, and says
so with ErasureCompleted {application_id, service: "payments"}.

What payments holds of an applicant is on their vouchers: the payer's name, and the contact (sealed under the
applicant's key, now destroyed) and language that VoucherIssued passed on to notification, kept in the voucher's
outbox. Those go; what the board's accounts need stays: voucher numbers, amounts, fee cycles, dates, statuses and
who collected a payment under which transaction. Its other collections hold nothing personal: `transactions`
(aggregator, transaction id, voucher number, amount, times, application id, refusal) and `withdrawals`
(application id, time).

Each voucher is one conditional write (adapters/vouchers.py), and the earliest issued voucher's carries the
ErasureCompleted event in its outbox, written last: the event is published only once every voucher is clean, and
once per erasure, however often ApplicationErased is delivered (a voucher already cleared is not written again).
A redelivery after a crash part-way finishes the rest. An application with no voucher leaves payments nothing to
remove, and no event is written: intake's `completed_by` then never names payments for it.
"""
import logging

from payments.domain import events
from payments.service_layer.dependencies import Dependencies

log = logging.getLogger(__name__)


def erase_application(deps: Dependencies, application_id: str, caused_by: dict | None = None) -> bool:
    """Remove the application's personal data from each of its vouchers; ErasureCompleted with the last write.
    Returns whether this call wrote the event (False: no voucher, or erased before)."""
    held = deps.vouchers.of_application(application_id)
    if not held:
        log.info("erasure of %s: payments holds no voucher of it, nothing to remove", application_id)
        return False
    carrier, *others = held  # the earliest issued: the same voucher on every delivery
    now = deps.now()
    for voucher in others:
        deps.vouchers.remove_personal_data(voucher.number, now, [])
    reported = deps.vouchers.remove_personal_data(carrier.number, now,
                                                  [events.erasure_completed(application_id, caused_by)])
    if reported:
        log.info("erasure of %s: payer name and contact removed from %d vouchers", application_id, len(held))
    return reported
