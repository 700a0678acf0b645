"""The mail server down for three minutes under a steady stream, then back: no mail is lost
and none is sent twice. Deliveries that fail meanwhile wait in the delivery log (`retrying`) for
notification's scheduler, not in the consumer, so the worker keeps up with the stream and the
backlog goes out once the server answers again — within the retry cap (DELIVERY_RETRY_MAX_SECONDS,
120 s by default) of its return."""
import time

from eventkit.mongo import get_database
from support.audit import audit

SMTP = "infra:smtp"
OUTAGE_SECONDS = 180
RETRY_CAP_SECONDS = 120


def keep_stopped(stack, processes, seconds: float) -> None:
    """Hold the outage for `seconds`, stopping the sink again if anything else (a `make up`, another
    test's clean-up) starts it meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if "STOPPED" not in stack.supervisorctl("status", SMTP):
            print(f"[drill] {SMTP} was started by something else during the outage; stopping it again", flush=True)
            processes.stop(SMTP)
        time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))


def test_smtp_sink_stopped_for_three_minutes_then_started(stack, steady, processes):
    deliveries = get_database(stack.servers.mongodb_uri, "notification")["notifications"]
    with steady(rate=3) as stream:
        time.sleep(5)
        processes.stop(SMTP)
        try:
            keep_stopped(stack, processes, OUTAGE_SECONDS)
            waiting = deliveries.count_documents({"status": "retrying", "channel": "email"})
        finally:
            processes.start(SMTP)
        processes.wait_running(SMTP)
        time.sleep(8)
    assert not stream.refused, stream.refused
    assert waiting > 0, "the outage left no email waiting for a retry"
    # the backlog goes out once each record's next attempt comes, at most the retry cap after the server returned
    counts = audit(stack, stream.accepted, settle_timeout=240 + RETRY_CAP_SECONDS)
    print(f"[drill] {waiting} emails were waiting at the end of the outage; audit: {counts}")
    assert deliveries.count_documents({"status": "failed", "application_id": {
        "$in": [s.application_id for s in stream.accepted]}}) == 0
