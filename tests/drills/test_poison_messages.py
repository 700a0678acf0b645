"""Poison messages: whatever lands on a topic that can never be handled goes to each consuming
group's dead-letter topic, with its origin and error, while the stream keeps flowing; the
operator's replay command re-processes dead letters once the cause is fixed."""
import os
import subprocess
import sys
import time
import uuid

import pytest

from eventkit.envelope import encode, new_event
from eventkit.kafka import make_producer
from eventkit.topics import INTAKE_EVENTS, VERIFICATION_EVENTS, dead_letter_topic
from support.audit import audit
from support.intake import secrets_env
from support.kafka import read_to_end
from support.local_stack import LOCAL

# topic -> the services whose worker groups consume it (the directory's web processes also read
# verification.events for their search index; the audit's searches show they kept going)
CONSUMERS = {INTAKE_EVENTS: {"verification": "verification-applications", "notification": "notification"},
             VERIFICATION_EVENTS: {"intake": "intake-decisions", "notification": "notification",
                                   "directory": "directory-decisions"}}
# a type each listed group handles (payments' group, which handles neither, is not listed)
KNOWN_TYPE = {INTAKE_EVENTS: "ApplicationSubmitted", VERIFICATION_EVENTS: "RegistrationIssued"}


def poisons(topic: str, key: str) -> list[bytes]:
    """Three kinds of message no consumer can ever handle: not JSON, JSON but no envelope, and an
    envelope of a type the consumers know whose payload is missing everything."""
    return [b"\x00\xff not json at all", b'{"hello": "not an envelope"}',
            encode(new_event(KNOWN_TYPE[topic], key, {}, source="drill"))]


def dead_letters(stack, group: str, since_ms: int, key: str | None = None) -> list:
    """The group's dead letters written since `since_ms` (those with `key`, if given). Dead-letter
    topics keep every earlier run's letters; reading from the test's start keeps each poll cheap."""
    return read_to_end(stack.servers.kafka, dead_letter_topic(group), since_ms=since_ms,
                       keep=lambda m: m.key is not None and (key is None or m.key == key.encode()))


def now_ms() -> int:
    """A little before now, in wall-clock milliseconds: where a test starts reading dead letters."""
    return int(time.time() * 1000) - 5_000


def headers(message) -> dict:
    return {k: v.decode() for k, v in message.headers}


@pytest.mark.parametrize("topic", [INTAKE_EVENTS, VERIFICATION_EVENTS])
def test_poison_is_dead_lettered_by_every_consumer_the_stream_flows_and_replay_keeps_it(
        topic, stack, steady, processes, wait_for):
    key = f"poison-{uuid.uuid4().hex[:8]}"
    since = now_ms()
    poison = poisons(topic, key)
    producer = make_producer(stack.servers.kafka, "drill-poisoner")
    with steady(rate=3) as stream:
        time.sleep(4)
        for value in poison:
            producer.send(topic, key=key.encode(), value=value).get(timeout=15)
        time.sleep(10)
    producer.close(timeout=10)
    audit(stack, stream.accepted)  # the stream kept flowing past the poison, in every service

    for service, group in CONSUMERS[topic].items():
        letters = wait_for(lambda: len(d := dead_letters(stack, group, since, key)) >= 3 and d, timeout=60,
                           message=f"the poison in deadletter.{group}")
        assert sorted(m.value for m in letters) == sorted(poison)  # each once, byte for byte
        for letter in letters:
            h = headers(letter)
            assert h["dlq.origin.topic"] == topic and h["dlq.group"] == group and h["dlq.error"], h
            assert h["dlq.replays"] == "0"

        # the operator replays: still malformed, so each goes back once, counted, and the replay ends
        output = processes.run_cli(service, "replay-dead-letters")
        assert "dead-lettered again" in output
        replayed = [m for m in dead_letters(stack, group, since, key) if headers(m)["dlq.replays"] == "1"]
        assert len(replayed) == 3, [headers(m) for m in dead_letters(stack, group, since, key)]


WORKERS = {"verification": ("verification:verification-worker", "verification-applications", "INTAKE_SERVICE_TOKEN"),
           "notification": ("notification:notification-worker", "notification", "NOTIFICATION_SERVICE_TOKEN")}


@pytest.mark.parametrize("service", WORKERS)
def test_worker_deployed_with_the_wrong_token_waits_then_processes_everything_once(
        service, stack, steady, processes, wait_for):
    """A bad deploy: the worker runs with a service token intake refuses (a rotation done in the wrong order), so
    it cannot get the applicants' data keys. That is a fault to wait out, not a message to give up on: nothing is
    dead-lettered, nothing is half-done, the worker keeps trying; once it runs with the right token again, every
    application ends as if nothing had happened, with no replay needed."""
    program, group, token_name = WORKERS[service]
    since = now_ms()
    processes.stop(program)
    log = open(LOCAL / "logs" / f"drill-wrong-token-{service}.log", "w")
    # deployed into the same worker slot (the same static group member), as a real redeploy would be
    env = {**os.environ, **secrets_env(), token_name: "not-the-token", "SUPERVISOR_PROCESS_NAME": program.split(":")[1]}
    worker = subprocess.Popen([sys.executable, "-m", f"{service}.entrypoints.worker"], stdout=log,
                              stderr=subprocess.STDOUT, env=env)
    try:
        with steady(rate=2) as stream:
            time.sleep(8)
        time.sleep(5)
        accepted = {s.application_id for s in stream.accepted}
        assert accepted and not accepted & {m.key.decode() for m in dead_letters(stack, group, since)}
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()
        processes.start(program)  # the fix: the worker runs with the right token again (also when this failed)
    waited = (LOCAL / "logs" / f"drill-wrong-token-{service}.log").read_text()
    assert "dependency down" in waited and "401" in waited  # it said why it waited
    audit(stack, stream.accepted)
    assert not accepted & {m.key.decode() for m in dead_letters(stack, group, since)}
