"""Expires vouchers left unpaid past their due date: `python -m payments.entrypoints.scheduler`.

Loops until SIGTERM: every `VOUCHER_SWEEP_SECONDS` it expires what is due (service_layer/expiry.py:
each voucher in a conditional write of its own with VoucherExpired, so a payment that lands first
wins and two schedulers expire each voucher once). A database outage is waited out with backoff."""
from eventkit.lifecycle import StopFlag
from payments.bootstrap import check_settings, payments_for
from payments.config import Config
from payments.service_layer.expiry import expire_due
from servicekit.process import run_process
from servicekit.sweeps import run_sweeps


def run_scheduler(config: Config, stop: StopFlag | None = None) -> None:
    """Run the scheduler's loop until `stop` (SIGTERM or SIGINT by default) is set."""
    deps = payments_for(config)
    run_sweeps(lambda: expire_due(deps), config.voucher_sweep_seconds, "payments", "expiring unpaid vouchers",
               stop)


if __name__ == "__main__":
    settings = Config.from_env()
    check_settings(settings)
    run_process("payments", "scheduler", settings.log_level, lambda: run_scheduler(settings))
