"""The scheduler's use case: vouchers left unpaid past their due date become expired, each with
VoucherExpired (on which the application lapses), exactly once.

Each voucher moves in a conditional write of its own (unpaid → expired, with its event), so a
payment that lands first wins and the voucher is not expired; a second run, or two schedulers at
once, expire each voucher once.
"""
import datetime as dt
import logging

from payments.domain import events
from payments.service_layer.dependencies import Dependencies

BATCH = 200  # vouchers read per query
FILLED_PER_RUN = 1000  # vouchers kept before `due_at` given theirs per run
log = logging.getLogger(__name__)


def expire_due(deps: Dependencies, now: dt.datetime | None = None) -> int:
    """Expire every unpaid voucher no longer payable at `now` (the clock's time by default); returns how many
    this run expired. Vouchers kept before their `due_at` was are given it first (a bounded number a run)."""
    now = now or deps.now()
    deps.vouchers.fill_missing_due_at(FILLED_PER_RUN)
    expired = 0
    while True:
        batch = deps.vouchers.unpaid_payable_until_before(now, BATCH)
        moved = sum(deps.vouchers.mark_expired(voucher.number, now, events.voucher_expired(voucher))
                    for voucher in batch)
        expired += moved
        # A short batch was the last. A full one that moved nothing was all moved meanwhile (paid,
        # cancelled, expired by another run): stop rather than risk asking forever; the next run sees to the rest.
        if len(batch) < BATCH or moved == 0:
            break
    if expired:
        log.info("%d vouchers expired (payable until before %s)", expired, now.isoformat())
    return expired
