"""Issuing a fee voucher when an application is approved in principle, and cancelling it when the
application is withdrawn.

- `issue`: one voucher per application and fee cycle, however often the event comes: a second
  delivery finds the first one's voucher (or, racing it, the repository's unique key does). The
  voucher and its VoucherIssued event are one insert. Its number is the biller code, a random
  serial and a check digit; a number already taken is refused by the repository and a new serial
  drawn.
- `cancel_for_withdrawal`: the application's unpaid voucher becomes cancelled, with
  VoucherCancelled (every change of a voucher's status is published, so the topic alone tells
  why a voucher stopped being payable). A paid or expired voucher stays as it is.

The withdrawal and the approval come on different topics, in either order. The withdrawal is
remembered before its voucher is looked for, and `issue` looks for a withdrawal after storing a
voucher, so whichever comes second sees the first: a voucher is never left payable for a
withdrawn application. A withdrawal that came well before the approval stops the voucher being
issued at all.
"""
import logging

from domainkit.vouchers import format_voucher_number
from payments.domain import events
from payments.domain.vouchers import REGISTRATION, UNPAID, AlreadyIssued, NumberTaken, Voucher, new_voucher
from payments.service_layer.dependencies import Dependencies

NUMBER_ATTEMPTS = 5  # serials drawn before giving up; two in 10^11 colliding five times in a row is a broken source
log = logging.getLogger(__name__)


class NoFreeNumber(RuntimeError):
    """Every serial drawn gave a number already taken: the serial source is not random."""


def issue(deps: Dependencies, application_id: str, payer_name: str, fee_cycle: str = REGISTRATION,
          caused_by: dict | None = None, passed_on: dict | None = None) -> Voucher | None:
    """The application's voucher for `fee_cycle`, issued now (with VoucherIssued) unless it exists already;
    None when the application was withdrawn before (nothing is issued). `caused_by`: the event that
    asked for it, whose correlation the VoucherIssued event carries on; `passed_on`: what VoucherIssued
    carries from it for notification (the sealed contact, the language), unread here."""
    existing = deps.vouchers.get_by_application(application_id, fee_cycle)
    if existing is not None:
        return existing
    # A withdrawal concerns the registration fee only: one that lost its race with the payment leaves a
    # registration, whose renewals are paid for like any other's.
    withdrawable = fee_cycle == REGISTRATION
    if withdrawable and deps.withdrawals.includes(application_id):
        log.info("no voucher for %s: the application was withdrawn", application_id)
        return None
    voucher = _add_new_voucher(deps, application_id, payer_name, fee_cycle, caused_by, passed_on)
    if withdrawable and deps.withdrawals.includes(application_id):  # withdrawn while the voucher was being issued
        return _cancel_if_unpaid(deps, voucher, caused_by)
    return voucher


def cancel_for_withdrawal(deps: Dependencies, application_id: str, caused_by: dict | None = None) -> Voucher | None:
    """Remember that the application was withdrawn and cancel its unpaid voucher, if it has one; returns
    its voucher as it is now (None when none was issued). Only the registration fee's voucher can be
    unpaid then: an application can be withdrawn only before it is registered (domainkit.lifecycle)."""
    deps.withdrawals.record(application_id, deps.now())
    voucher = deps.vouchers.get_by_application(application_id, REGISTRATION)
    if voucher is None:
        return None
    return _cancel_if_unpaid(deps, voucher, caused_by)


def _add_new_voucher(deps: Dependencies, application_id: str, payer_name: str, fee_cycle: str,
                     caused_by: dict | None, passed_on: dict | None) -> Voucher:
    settings = deps.settings
    for _ in range(NUMBER_ATTEMPTS):
        number = format_voucher_number(settings.biller_code, deps.draw_serial())
        voucher = new_voucher(number, application_id, fee_cycle, payer_name, settings.fee_amount, deps.now(),
                              settings.fee_due_days)
        try:
            deps.vouchers.add(voucher, [events.voucher_issued(voucher, caused_by, passed_on)])
        except NumberTaken:
            log.warning("voucher number %s is taken; drawing another serial", number)
            continue
        except AlreadyIssued:  # another delivery of the event issued it meanwhile
            return deps.vouchers.get_by_application(application_id, fee_cycle)
        log.info("voucher %s issued for %s (%s), due %s", number, application_id, fee_cycle, voucher.due_date)
        return voucher
    raise NoFreeNumber(f"{NUMBER_ATTEMPTS} voucher numbers drawn in a row were taken")


def _cancel_if_unpaid(deps: Dependencies, voucher: Voucher, caused_by: dict | None) -> Voucher:
    if voucher.status == UNPAID and deps.vouchers.cancel(voucher.number, deps.now(),
                                                         events.voucher_cancelled(voucher, caused_by)):
        log.info("voucher %s of %s cancelled: the application was withdrawn", voucher.number, voucher.application_id)
    return deps.vouchers.get(voucher.number)
