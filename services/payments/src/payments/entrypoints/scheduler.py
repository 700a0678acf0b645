"""Expires vouchers left unpaid past their due date: `python -m payments.entrypoints.scheduler`.

Loops until SIGTERM: every `VOUCHER_SWEEP_SECONDS` it expires what is due (service_layer/expiry.py:
each voucher in a conditional write of its own with VoucherExpired, so a payment that lands first
wins and two schedulers expire each voucher once). A database outage is waited out with backoff."""
import logging

from eventkit.lifecycle import StopFlag
from payments.bootstrap import check_settings, payments_for
from payments.config import Config
from payments.service_layer.expiry import expire_due
from servicekit.process import run_process

log = logging.getLogger(__name__)


def run_scheduler(config: Config, stop: StopFlag | None = None) -> None:
    """Run the scheduler's loop until `stop` (SIGTERM or SIGINT by default) is set."""
    stop = stop or StopFlag()
    deps = payments_for(config)
    log.info("payments scheduler started; expiring unpaid vouchers every %.0fs", config.voucher_sweep_seconds)
    backoff = 1.0
    while not stop.is_set:
        try:
            expire_due(deps)
            backoff = 1.0
        except Exception:  # noqa: BLE001 - the scheduler must outlive database outages
            log.exception("voucher expiry failed; trying again in %.1fs", backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, 30.0)
            continue
        stop.wait(config.voucher_sweep_seconds)
    log.info("payments scheduler stopped")


if __name__ == "__main__":
    settings = Config.from_env()
    check_settings(settings)
    run_process("payments", "scheduler", settings.log_level, lambda: run_scheduler(settings))
