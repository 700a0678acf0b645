"""An event written to intake's outbox reaches verification's database exactly once, through
the running relay, Kafka and worker — also when it is delivered twice, and when the worker
dies after storing but before committing."""
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from eventkit import outbox
from eventkit.envelope import encode
from eventkit.kafka import make_admin, make_producer
from eventkit.mongo import get_database
from eventkit.topics import INTAKE_EVENTS
from support.intake import secrets_env, submitted_event

VERIFICATION_GROUP = "verification-applications"
WORKER = "verification:verification-worker"


@pytest.fixture
def intake_db(stack):
    return get_database(stack.servers.mongodb_uri, "intake")


@pytest.fixture
def verification_db(stack):
    return get_database(stack.servers.mongodb_uri, "verification")


def submit_via_outbox(intake_db) -> dict:
    """What intake does on a submission: the application and its event in one document."""
    event = submitted_event()
    outbox.insert_with_events(intake_db["applications"], {"_id": event["key"], "status": "submitted"}, [event])
    return event


def entries_for(verification_db, event: dict) -> list:
    case = verification_db["cases"].find_one({"_id": event["key"]}) or {}
    return [e for e in case.get("application_events", []) if e["event_id"] == event["event_id"]]


def committed_past(stack, partition: int, offset: int) -> bool:
    admin = make_admin(stack.servers.kafka, "test-offsets")
    try:
        offsets = admin.list_group_offsets(VERIFICATION_GROUP)[VERIFICATION_GROUP]
    finally:
        admin.close()
    return any(tp.topic == INTAKE_EVENTS and tp.partition == partition and meta.offset > offset
               for tp, meta in offsets.items())


def test_outbox_event_is_stored_by_the_other_service_once(stack, intake_db, verification_db, wait_for):
    event = submit_via_outbox(intake_db)
    wait_for(lambda: entries_for(verification_db, event), message="the case to record the event")
    wait_for(lambda: intake_db["applications"].find_one({"_id": event["key"]})["outbox_pending"] is False,
             message="the outbox entry marked sent")
    assert len(entries_for(verification_db, event)) == 1
    stored = intake_db["applications"].find_one({"_id": event["key"]})["outbox"][0]
    assert stored["state"] == "sent" and stored["event"] == event
    # the worker's counters are served by the service's web app (one metrics folder per service)
    metrics = httpx.get(stack.url("verification", "/metrics")).text
    assert 'consumer_messages_total{group="verification-applications",outcome="handled"}' in metrics


def test_same_event_delivered_twice_is_stored_once(stack, intake_db, verification_db, wait_for):
    event = submit_via_outbox(intake_db)
    wait_for(lambda: entries_for(verification_db, event), message="the first delivery stored")
    producer = make_producer(stack.servers.kafka, "test-redelivery")
    try:
        sent = producer.send(INTAKE_EVENTS, key=event["key"].encode(), value=encode(event)).get(timeout=15)
    finally:
        producer.close(timeout=10)
    wait_for(lambda: committed_past(stack, sent.partition, sent.offset), message="the redelivery consumed")
    assert len(entries_for(verification_db, event)) == 1


def test_worker_killed_after_storing_before_committing_stores_once(stack, intake_db, verification_db, wait_for):
    stack.supervisorctl("stop", WORKER)
    try:
        event = submitted_event()
        inbox_id = f"{VERIFICATION_GROUP}:{event['event_id']}"
        env = {**os.environ, **secrets_env(), "MONGODB_DATABASE": "verification", "LOG_LEVEL": "WARNING",
               "CRASH_ON_KEY": event["key"]}
        crasher = subprocess.Popen([sys.executable, str(Path(__file__).with_name("crashing_worker.py"))], env=env)
        try:
            outbox.insert_with_events(intake_db["applications"], {"_id": event["key"]}, [event])
            assert crasher.wait(timeout=90) == 9, "the worker should have died right after storing"
        finally:
            if crasher.poll() is None:
                crasher.kill()
                crasher.wait()
        assert len(entries_for(verification_db, event)) == 1
        assert verification_db["processed_events"].find_one({"_id": inbox_id}) is None  # died before commit
    finally:
        stack.supervisorctl("start", WORKER)
    wait_for(lambda: verification_db["processed_events"].find_one({"_id": inbox_id}), timeout=90,
             message="the restarted worker to handle the redelivered event")
    assert len(entries_for(verification_db, event)) == 1
    case = verification_db["cases"].find_one({"_id": event["key"]})
    assert case["applied_events"].count(event["event_id"]) == 1
