"""Retries deliveries that failed for a passing reason: `python -m notification.entrypoints.scheduler`.

Loops until SIGTERM: claims due retries one at a time (several schedulers may run: a claim is
one atomic conditional update) and makes one attempt each; once a minute it also settles
records left `sending` by a process that died mid-send (→ uncertain, never sent twice).
A stop asked for during a send lets that send finish first.
"""
import logging
import time

from eventkit.lifecycle import StopFlag
from notification.bootstrap import check_settings, notification_for
from notification.config import Config
from notification.service_layer.notify import retry_due, settle_stale_sends
from servicekit.process import run_process

log = logging.getLogger(__name__)


def run_scheduler(config: Config, stop: StopFlag | None = None, idle_seconds: float = 1.0,
                  sweep_seconds: float = 60.0) -> None:
    """Run the scheduler's loop until `stop` (SIGTERM or SIGINT by default) is set."""
    stop = stop or StopFlag()
    deps = notification_for(config)
    log.info("notification scheduler started")
    next_sweep, backoff = 0.0, idle_seconds
    while not stop.is_set:
        try:
            if time.monotonic() >= next_sweep:
                settle_stale_sends(deps)
                next_sweep = time.monotonic() + sweep_seconds
            while not stop.is_set and time.monotonic() < next_sweep and retry_due(deps):
                pass
            backoff = idle_seconds
        except Exception:  # noqa: BLE001 - the scheduler must outlive database outages
            log.exception("scheduler pass failed; trying again in %.1fs", backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)
            continue
        stop.wait(idle_seconds)
    log.info("notification scheduler stopped")


if __name__ == "__main__":
    settings = Config.from_env()
    check_settings(settings)
    run_process("notification", "scheduler", settings.log_level, lambda: run_scheduler(settings))
