"""Sends the partners' webhooks: `python -m directory.entrypoints.scheduler`.

Loops until SIGTERM: makes one attempt at each due delivery in turn (several schedulers may run: a claim is one
atomic conditional update), then waits SCHEDULER_IDLE_SECONDS when nothing is due; database outages are waited
out with backoff (servicekit.sweeps). A stop asked for during a send lets that send finish first. Without
WEBHOOK_SIGNING_KEY it refuses to start (webhooks are off).
"""
import datetime as dt
import functools
import logging

from directory.adapters.webhook_sender import post
from directory.bootstrap import directory_for, webhook_settings
from directory.config import Config
from directory.service_layer.webhooks import send_next
from eventkit.lifecycle import StopFlag
from servicekit.process import run_process
from servicekit.sweeps import run_sweeps

log = logging.getLogger(__name__)


def send_due(config: Config, stop: StopFlag) -> int:
    """Attempt every delivery due now (until none is, or a stop is asked for); how many were attempted."""
    directory, settings = directory_for(config), webhook_settings(config)
    send = functools.partial(post, allow_private=settings.allow_private)
    attempted = 0
    while not stop.is_set and send_next(directory.deliveries, directory.partner_keys, send, settings,
                                        dt.datetime.now(dt.timezone.utc)):
        attempted += 1
    return attempted


def run_scheduler(config: Config, stop: StopFlag | None = None) -> None:
    if webhook_settings(config) is None:
        raise SystemExit("WEBHOOK_SIGNING_KEY is not set: webhooks are off, so there is nothing to send")
    stop = stop or StopFlag()
    run_sweeps(lambda: send_due(config, stop), config.scheduler_idle_seconds, "directory", "webhook sending", stop)


if __name__ == "__main__":
    settings = Config.from_env()
    run_process("directory", "scheduler", settings.log_level, lambda: run_scheduler(settings))
