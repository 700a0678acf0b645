"""Sends expiry reminders and expires registrations: `python -m verification.entrypoints.scheduler`.

Loops until SIGTERM: every `EXPIRY_SWEEP_SECONDS` it does what is due (service_layer/expiry.py: each
reminder and each expiry in a conditional write of the case with its event, so two schedulers, or a
run repeated after a crash, do each once). A database outage is waited out with backoff."""
import logging

from eventkit.lifecycle import StopFlag
from servicekit.process import run_process
from verification.bootstrap import check_settings, verification_for
from verification.config import Config
from verification.service_layer.expiry import sweep

log = logging.getLogger(__name__)


def run_scheduler(config: Config, stop: StopFlag | None = None) -> None:
    """Run the scheduler's loop until `stop` (SIGTERM or SIGINT by default) is set."""
    stop = stop or StopFlag()
    deps = verification_for(config)
    log.info("verification scheduler started; reminders and expiry every %.0fs", config.expiry_sweep_seconds)
    backoff = 1.0
    while not stop.is_set:
        try:
            sweep(deps)
            backoff = 1.0
        except Exception:  # noqa: BLE001 - the scheduler must outlive database outages
            log.exception("expiry sweep failed; trying again in %.1fs", backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, 30.0)
            continue
        stop.wait(config.expiry_sweep_seconds)
    log.info("verification scheduler stopped")


if __name__ == "__main__":
    settings = Config.from_env()
    check_settings(settings)
    run_process("verification", "scheduler", settings.log_level, lambda: run_scheduler(settings))
