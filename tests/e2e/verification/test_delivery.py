"""Redelivery and scaling: one decision per application, however often an event arrives and
however many workers share the group."""
import os
import signal
import subprocess
import sys

import pytest

from eventkit.topics import VERIFICATION_EVENTS
from support.intake import secrets_env
from support.kafka import SESSION_STARTED_MS, read_messages

DECISIONS = {"ApplicationApprovedInPrinciple", "ApplicationFlagged", "ApplicationRejected"}


def decision_events(stack, application_ids: set[str], expected: int, timeout_s: float = 30) -> dict:
    """application id -> distinct decision event ids seen on verification.events (read from the start)."""
    seen = set()

    def is_new_decision(message) -> bool:
        headers = dict(message.headers)
        if message.key.decode() not in application_ids or headers.get("event_type", b"").decode() not in DECISIONS:
            return False
        new = headers["event_id"] not in seen  # a relay may send an event twice; count each once
        seen.add(headers["event_id"])
        return new

    found: dict[str, set] = {}
    for message in read_messages(stack.servers.kafka, VERIFICATION_EVENTS, expected, is_new_decision, timeout_s,
                                 since_ms=SESSION_STARTED_MS):
        found.setdefault(message.key.decode(), set()).add(dict(message.headers)["event_id"])
    return found


def test_the_same_event_delivered_twice_decides_once(publish_application, settled, stack, cases):
    event = publish_application()
    publish_application(event=event)
    publish_application(event=event)
    case = settled(event["key"])
    assert case["state"] == "awaiting_payment"
    assert [a["action"] for a in case["audit"]].count("approved_in_principle") == 1
    assert case["application_events"] == [{"event_id": event["event_id"], "event_type": "ApplicationSubmitted",
                                            "occurred_at": event["occurred_at"]}]
    found = decision_events(stack, {event["key"]}, expected=2, timeout_s=8)
    assert len(found[event["key"]]) == 1


@pytest.fixture
def second_worker():
    """A second verification worker process in the same consumer group, stopped afterwards."""
    env = {**os.environ, **secrets_env(), "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "verification.entrypoints.worker"], env=env)
    yield process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, "the worker should stop cleanly on SIGTERM"


def test_two_workers_share_the_load_without_deciding_twice(second_worker, publish_application, settled, stack,
                                                           wait_for, cases, bank):
    # wait until the group has rebalanced onto both members: the new worker decides something
    events = []
    worker_pids = set()

    def both_busy():
        event = publish_application()
        events.append(event)
        case = settled(event["key"])
        worker_pids.add(case["decision"]["worker"].rsplit(":", 1)[1])
        return str(second_worker.pid) in worker_pids and len(worker_pids) == 2

    wait_for(both_busy, timeout=90, interval=0.1, message="both workers to decide applications")
    for _ in range(12):
        events.append(publish_application())
    ids = {e["key"] for e in events}
    decided = [settled(application_id) for application_id in ids]
    assert all(c["state"] == "awaiting_payment" for c in decided)
    assert all([a["action"] for a in c["audit"]].count("approved_in_principle") == 1 for c in decided)
    found = decision_events(stack, ids, expected=len(ids))
    assert all(len(found[i]) == 1 for i in ids)
    # their fees paid, both workers draw registration numbers: each unique
    for application_id in ids:
        bank.pay_for(application_id)
    registered = wait_for(lambda: len(r := list(cases.find({"_id": {"$in": list(ids)}, "state": "approved"})))
                          == len(ids) and r, timeout=90, message="every case registered once paid")
    numbers = [c["decision"]["registration_number"] for c in registered]
    assert len(set(numbers)) == len(numbers)
    assert {c["decision"]["worker"].rsplit(":", 1)[1] for c in registered} <= {str(second_worker.pid)} | worker_pids
