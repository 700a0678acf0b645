"""The stack with its event processes stopped: intake's web tier measured on its own.

On this 2-core machine every process shares the same cores. While intake accepts applications,
the relays and workers start handling them at once (checks, certificates, mail, listings) and
take most of the CPU, so "intake with the pipeline running" measures the whole machine, not
intake. In production the web tier and the workers run on machines of their own; stopping the
event processes for the measurement window gives intake's own rate, the figure comparable with
the bare Flask endpoint. Nothing is lost: the events wait in the outboxes and topics, and the
processes catch up when they start again (the benchmark waits for that before its next step).
"""
import contextlib
from collections.abc import Iterator

from support.local_stack import supervisorctl

EVENT_PROCESSES = (
    "intake:intake-relay", "intake:intake-worker",
    "verification:verification-relay", "verification:verification-worker", "verification:verification-scheduler",
    "notification:notification-relay", "notification:notification-worker", "notification:notification-scheduler",
    "directory:directory-worker",
    "payments:payments-relay", "payments:payments-worker", "payments:payments-scheduler",
)


@contextlib.contextmanager
def event_processes_stopped() -> Iterator[None]:
    """Stop every relay, worker and scheduler of the local stack; start them again on leaving."""
    supervisorctl("stop", *EVENT_PROCESSES)
    try:
        yield
    finally:
        supervisorctl("start", *EVENT_PROCESSES)
