"""A scheduler's loop: do what is due, wait, again, until told to stop; outages waited out with backoff.

Payments' scheduler (unpaid vouchers past due) and verification's (expiry reminders and expiries) are
this loop around their own use case; each run of the use case does its work in conditional writes, so
a run interrupted or repeated, or two schedulers at once, do each thing once."""
import logging
from collections.abc import Callable

from eventkit.lifecycle import StopFlag

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 30.0


def run_sweeps(sweep: Callable[[], object], every_seconds: float, service: str, what: str,
               stop: StopFlag | None = None) -> None:
    """Call `sweep` (`what` it does, for the log) every `every_seconds` until `stop` (SIGTERM or SIGINT by
    default) is set; when it raises (the database is down), wait 1 s, then twice as long each time up to
    30 s, and try again."""
    stop = stop or StopFlag()
    log.info("%s scheduler started; %s every %.0fs", service, what, every_seconds)
    backoff = 1.0
    while not stop.is_set:
        try:
            sweep()
            backoff = 1.0
        except Exception:  # noqa: BLE001 - a scheduler must outlive database outages
            log.exception("%s failed; trying again in %.1fs", what, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)
            continue
        stop.wait(every_seconds)
    log.info("%s scheduler stopped", service)
