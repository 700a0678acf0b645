"""kill -9 of each worker and relay in the middle of a steady stream of submissions: supervisor
restarts it, and nothing is lost or done twice."""
import time

import pytest

from support.audit import audit

WORKERS_AND_RELAYS = [
    "verification:verification-worker", "notification:notification-worker", "intake:intake-worker",
    "directory:directory-worker", "intake:intake-relay", "verification:verification-relay",
    "notification:notification-relay", "payments:payments-worker",
]


@pytest.mark.parametrize("process", WORKERS_AND_RELAYS)
def test_kill_9_mid_stream_loses_nothing_and_repeats_nothing(process, stack, steady, processes):
    with steady(rate=3) as stream:
        time.sleep(6)
        killed = processes.kill9(process)
        processes.wait_running(process, other_than=killed)
        time.sleep(6)
    assert not stream.refused, stream.refused  # intake itself was never down
    audit(stack, stream.accepted)
