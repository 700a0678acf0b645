"""Nothing is lost when time passes: topics keep their events, and the directory neither needs the
topic's old records to start nor loses a listing when it is rebuilt after they are gone.

Time is simulated the way Kafka's retention would act: DeleteRecords removes a topic's early
records (every consumer group has read them already), then every directory process restarts and
the operator rebuilds the listings — every freelancer approved before must still be found and
verified, and verification must never answer `unknown` for them while the rebuild runs.
"""
import os
import subprocess
import sys
import threading
import time
import uuid

import httpx
from kafka.admin import NewTopic
from kafka.structs import TopicPartition

from eventkit.envelope import decode
from eventkit.kafka import ensure_topics, make_admin, make_consumer, topic_settings
from eventkit.mongo import get_database
from eventkit.topics import ALL, DEAD_LETTER_RETENTION_DAYS, VERIFICATION_EVENTS, dead_letter_topic
from support.directory import latin_word, search
from support.local_stack import supervisorctl

DECISION_READERS = ("intake-decisions", "notification", "directory-decisions")


def test_event_topics_are_kept_forever_and_dead_letters_for_a_documented_time(stack):
    admin = make_admin(stack.servers.kafka, "test-retention")
    try:
        for topic in ALL:
            assert topic_settings(admin, topic).get("retention.ms") == "-1", topic
        dead_letters = topic_settings(admin, dead_letter_topic("directory-decisions"))
        assert dead_letters.get("retention.ms") == str(DEAD_LETTER_RETENTION_DAYS * 86_400_000)
    finally:
        admin.close()


def test_a_topic_made_with_another_retention_is_corrected_at_start(stack):
    topic = f"test.retention.{uuid.uuid4().hex[:8]}"
    admin = make_admin(stack.servers.kafka, "test-retention")
    try:
        admin.create_topics([NewTopic(topic, 1, 1, topic_configs={"retention.ms": str(86_400_000)})])
        ensure_topics(stack.servers.kafka, [topic])
        assert topic_settings(admin, topic)["retention.ms"] == "-1"
    finally:
        admin.delete_topics([topic])
        admin.close()


def delete_records_everyone_has_read(kafka: str, topic: str) -> dict[int, int]:
    """DeleteRecords up to the offset every group reading `topic` has committed (what retention
    would do to old records). Returns partition -> the new oldest offset."""
    admin = make_admin(kafka, "test-retention")
    consumer = make_consumer(kafka, None, "test-retention")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        committed = admin.list_group_offsets(list(DECISION_READERS))
        upto = {tp: min(committed.get(group, {}).get(tp).offset if committed.get(group, {}).get(tp) else 0
                        for group in DECISION_READERS) for tp in partitions}
        admin.delete_records({tp: offset for tp, offset in upto.items() if offset > 0})
        return {tp.partition: offset for tp, offset in consumer.beginning_offsets(partitions).items()}
    finally:
        consumer.close(autocommit=False)
        admin.close()


def all_committed(kafka: str, topic: str) -> bool:
    admin = make_admin(kafka, "test-retention")
    consumer = make_consumer(kafka, None, "test-retention")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        ends = consumer.end_offsets(partitions)
        committed = admin.list_group_offsets(list(DECISION_READERS))
        return all((committed.get(group, {}).get(tp) and committed[group][tp].offset >= end)
                   for group in DECISION_READERS for tp, end in ends.items())
    finally:
        consumer.close(autocommit=False)
        admin.close()


def verify_status(stack, number: str) -> str:
    return httpx.get(stack.url("directory", f"/api/v1/verify/{number}"), timeout=10).json()["status"]


def restart_directory(stack, wait_for) -> None:
    supervisorctl("restart", "directory:*")

    def ready() -> bool:
        """Ready in a row as often as there can be web workers: one answer comes from one worker, and
        each worker catches up with the topic on its own after the fork."""
        try:  # the web's master loads the index before it listens (WEB_PRELOAD): refused meanwhile
            return all(httpx.get(stack.url("directory", "/readyz"), timeout=5).status_code == 200
                       for _ in range(8))
        except httpx.TransportError:
            return False
    wait_for(ready, timeout=120, message="the directory ready again")


def test_listings_survive_the_topic_losing_its_old_records(approve, stack, wait_for):
    surname = latin_word()
    numbers = [approve(full_name=f"Sana {surname}") for _ in range(3)]
    wait_for(lambda: all_committed(stack.servers.kafka, VERIFICATION_EVENTS), timeout=120,
             message="every reader of the decisions to commit them")
    oldest = delete_records_everyone_has_read(stack.servers.kafka, VERIFICATION_EVENTS)
    assert sum(oldest.values()) > 0, "the decisions' early records were deleted"

    restart_directory(stack, wait_for)  # loads from its collection, not from the topic's beginning
    found = {item["registration_number"] for item in search(stack, q=surname, limit=50)["items"]}
    assert found == set(numbers)
    assert {verify_status(stack, n) for n in numbers} == {"valid"}

    answers: list[str] = []
    stop = threading.Event()

    def keep_verifying():
        # paced under the verify limit (120 a minute per address): a rebuild over a long topic takes a
        # while, and a faster watcher would meet 429s, not the rebuild's effects
        while not stop.is_set():
            for n in numbers:
                answers.append(verify_status(stack, n))
                if stop.wait(0.75):
                    break

    watcher = threading.Thread(target=keep_verifying)
    watcher.start()
    try:
        result = subprocess.run([sys.executable, "-m", "directory.entrypoints.cli", "rebuild"],
                                env={**os.environ, "MONGODB_URI": stack.servers.mongodb_uri},
                                capture_output=True, text=True, timeout=300)
    finally:
        stop.set()
        watcher.join()
    assert result.returncode == 0, result.stderr
    assert answers and set(answers) == {"valid"}, f"verification answered {set(answers)} during the rebuild"

    restart_directory(stack, wait_for)
    found = {item["registration_number"] for item in search(stack, q=surname, limit=50)["items"]}
    assert found == set(numbers)
    assert {verify_status(stack, n) for n in numbers} == {"valid"}


def test_each_listing_records_the_position_of_the_event_it_comes_from(approve, stack):
    """The position stored with a listing is where a web process starts reading the topic: it must
    point at the very approval the listing was built from."""
    number = approve()
    listing = get_database(stack.servers.mongodb_uri, "directory")["listings"].find_one({"_id": number})
    source = listing["source"]
    assert source["topic"] == VERIFICATION_EVENTS
    consumer = make_consumer(stack.servers.kafka, None, "test-retention")
    try:
        tp = TopicPartition(source["topic"], source["partition"])
        consumer.assign([tp])
        consumer.seek(tp, source["offset"])
        records = consumer.poll(timeout_ms=10000, max_records=1)[tp]
    finally:
        consumer.close(autocommit=False)
    event = decode(records[0].value)
    assert event["event_type"] == "RegistrationIssued"
    assert event["payload"]["registration_number"] == number
