"""The consumer loop against real Kafka and the real MongoDB-protocol server: commit after
work, deduplication, retries, the dead-letter path and its replay."""
import threading
import uuid

import pytest
from kafka.structs import TopicPartition
from pymongo import MongoClient, monitoring

from eventkit.consumer import ConsumerLoop, TooManyDeadLetters
from eventkit.envelope import new_event
from eventkit.inbox import COLLECTION as INBOX, Inbox
from eventkit.kafka import ensure_topics, make_admin, make_consumer, make_producer
from eventkit.lifecycle import StopFlag
from eventkit.runners import replay_dead_letters
from eventkit.topics import dead_letter_topic
from support.explain import assert_uses_index


class Worker:
    """A ConsumerLoop running in a thread, as a worker process would run it."""

    def __init__(self, servers, database, topic: str, handler, group: str | None = None, **options):
        self.group = group or f"group-{uuid.uuid4().hex[:8]}"
        ensure_topics(servers.kafka, [dead_letter_topic(self.group)])
        self.consumer = make_consumer(servers.kafka, self.group, "test-worker")
        self.consumer.subscribe([topic])
        self.producer = make_producer(servers.kafka, "test-dlq")
        self.loop = ConsumerLoop(self.consumer, self.group, handler, Inbox(database, self.group), self.producer,
                                 backoff_seconds=0.01, **options)
        self.stop = StopFlag(install_signal_handlers=False)
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.loop.run(self.stop)
        except Exception as exc:  # noqa: BLE001 - surfaced to the test
            self.error = exc

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)
        self.producer.close(timeout=10)


def store_in(collection):
    def handler(envelope):
        collection.insert_one({"_id": envelope["event_id"], "n": envelope["payload"]["n"]})
    return handler


def committed(servers, group: str, topic: str) -> int:
    admin = make_admin(servers.kafka, "test-offsets")
    try:
        offsets = admin.list_group_offsets(group)[group]
    finally:
        admin.close()
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic)


def test_each_event_is_stored_once_and_committed_after(servers, database, new_topic, publish, wait_for):
    topic = new_topic()
    events = [new_event("Counted", f"key-{n % 3}", {"n": n}, source="test") for n in range(10)]
    for e in events:
        publish(topic, e, key=e["key"])
    publish(topic, events[4], key=events[4]["key"])  # a redelivery of the same event
    with Worker(servers, database, topic, store_in(database["effects"])) as worker:
        wait_for(lambda: committed(servers, worker.group, topic) == 11, message="all 11 offsets committed")
    assert database["effects"].count_documents({}) == 10
    assert database["processed_events"].count_documents({}) == 10


def test_malformed_message_goes_to_dead_letters_and_the_stream_flows(servers, database, new_topic, publish,
                                                                      read_topic, wait_for):
    topic = new_topic(partitions=1)
    publish(topic, b"{not json")
    good = new_event("Counted", "k", {"n": 1}, source="test")
    publish(topic, good)
    with Worker(servers, database, topic, store_in(database["effects"])) as worker:
        wait_for(lambda: database["effects"].find_one({"_id": good["event_id"]}), message="the good event stored")
        [dead] = read_topic(dead_letter_topic(worker.group), 1)
    headers = dict(dead.headers)
    assert dead.value == b"{not json"
    assert headers["dlq.origin.topic"] == topic.encode()
    assert headers["dlq.origin.partition"] == b"0" and headers["dlq.origin.offset"] == b"0"
    assert headers["dlq.error"].startswith(b"InvalidMessage: not JSON")
    assert headers["dlq.group"] == worker.group.encode()


def test_failing_handler_is_retried_then_succeeds_once(servers, database, new_topic, publish, wait_for):
    topic = new_topic()
    attempts = []

    def flaky(envelope):
        attempts.append(envelope["event_id"])
        if len(attempts) < 3:
            raise RuntimeError("transient")
        database["effects"].insert_one({"_id": envelope["event_id"]})

    event = new_event("Counted", "k", {"n": 1}, source="test")
    publish(topic, event)
    with Worker(servers, database, topic, flaky) as worker:
        wait_for(lambda: committed(servers, worker.group, topic) == 1, message="offset committed")
    assert len(attempts) == 3
    assert database["effects"].count_documents({}) == 1


def test_handler_that_always_fails_is_dead_lettered_then_replayed_once_fixed(servers, database, new_topic,
                                                                            publish, read_topic, wait_for):
    topic = new_topic()
    broken = {"on": True}

    def handler(envelope):
        if broken["on"]:
            raise ValueError("bug in the handler")
        database["effects"].insert_one({"_id": envelope["event_id"]})

    event = new_event("Counted", "k", {"n": 1}, source="test")
    publish(topic, event)
    with Worker(servers, database, topic, handler, max_attempts=2) as worker:
        wait_for(lambda: committed(servers, worker.group, topic) == 1, message="offset committed")
    [dead] = read_topic(dead_letter_topic(worker.group), 1)
    assert dict(dead.headers)["dlq.error"] == b"ValueError: bug in the handler"
    assert database["effects"].count_documents({}) == 0

    broken["on"] = False  # the operator deploys the fix, then replays
    stop = StopFlag(install_signal_handlers=False)
    kwargs = dict(bootstrap_servers=servers.kafka, mongodb_uri=servers.mongodb_uri, database=database.name,
                  group=worker.group, handler=handler, stop=stop)
    assert replay_dead_letters(**kwargs) == {"waiting": 1, "handled": 1, "duplicate": 0, "dead_lettered": 0}
    assert database["effects"].count_documents({"_id": event["event_id"]}) == 1
    # replayed letters are committed, not replayed again
    assert replay_dead_letters(**kwargs) == {"waiting": 0, "handled": 0, "duplicate": 0, "dead_lettered": 0}


def test_a_run_of_dead_letters_stops_the_consumer(servers, database, new_topic, publish, wait_for):
    topic = new_topic(partitions=1)
    for _ in range(4):
        publish(topic, b"garbage")
    with Worker(servers, database, topic, store_in(database["effects"]), max_consecutive_dead_letters=2) as worker:
        wait_for(lambda: worker.error is not None, message="the consumer to stop")
    assert isinstance(worker.error, TooManyDeadLetters)


@pytest.mark.parametrize("redeliveries", [1, 3])
def test_a_second_consumer_in_the_group_gets_only_uncommitted_work(servers, database, new_topic, publish,
                                                                  wait_for, redeliveries):
    """After a clean stop, a new member resumes after the last commit: nothing is handled twice."""
    topic = new_topic()
    group = f"group-{uuid.uuid4().hex[:8]}"
    handled = []

    def handler(envelope):
        handled.append(envelope["event_id"])

    first = [new_event("Counted", "k", {"n": n}, source="test") for n in range(3)]
    for e in first:
        publish(topic, e)
    with Worker(servers, database, topic, handler, group=group):
        wait_for(lambda: committed(servers, group, topic) == 3, message="first batch committed")
    for _ in range(redeliveries):
        later = new_event("Counted", "k", {"n": 9}, source="test")
        publish(topic, later)
    with Worker(servers, database, topic, handler, group=group):
        wait_for(lambda: committed(servers, group, topic) == 3 + redeliveries, message="second batch committed")
    assert len(handled) == len(set(handled)) == 3 + redeliveries


class InboxCommands(monitoring.CommandListener):
    """Counts the commands sent to the inbox collection."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def started(self, event):
        if event.command.get(event.command_name) == INBOX:
            self.counts[event.command_name] = self.counts.get(event.command_name, 0) + 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def test_the_inbox_costs_one_query_and_one_insert_per_poll(servers, database, new_topic, publish, wait_for):
    topic = new_topic(partitions=1)
    events = [new_event("Counted", "k", {"n": n}, source="test") for n in range(60)]
    for e in events:
        publish(topic, e)
    listener = InboxCommands()
    client = MongoClient(servers.mongodb_uri, event_listeners=[listener])
    try:
        worker, commits = Worker(servers, client[database.name], topic, store_in(database["effects"])), []
        real_commit = worker.consumer.commit
        worker.consumer.commit = lambda offsets: commits.append(offsets) or real_commit(offsets)
        with worker:
            wait_for(lambda: committed(servers, worker.group, topic) == 60, message="60 offsets committed")
    finally:
        client.close()
    assert database["effects"].count_documents({}) == database[INBOX].count_documents({}) == 60
    polls = len(commits)  # one commit per poll that brought records
    assert 1 <= polls < 60
    assert listener.counts == {"find": polls, "insert": polls}


def test_a_batch_handler_applies_runs_of_new_events_in_bulk(servers, database, new_topic, publish, wait_for):
    topic = new_topic(partitions=1)
    events = [new_event("Counted", "k", {"n": n}, source="test") for n in range(20)]
    other = new_event("Other", "k", {"n": 99}, source="test")
    for e in events[:10] + [other] + events[10:] + [events[3]]:
        publish(topic, e)
    calls = []

    def bulk(incoming):
        calls.append(len(incoming))
        database["effects"].insert_many([{"_id": i.envelope["event_id"], "offset": i.position.offset}
                                         for i in incoming])

    with Worker(servers, database, topic, store_in(database["effects"]), batch_handlers={"Counted": bulk}) as worker:
        wait_for(lambda: committed(servers, worker.group, topic) == 22, message="22 offsets committed")
    assert sum(calls) == 20 and len(calls) < 20
    assert database["effects"].count_documents({}) == 21  # 20 through the batch handler, the other per record
    assert database["effects"].find_one({"_id": events[12]["event_id"]})["offset"] == 13
    assert database[INBOX].count_documents({}) == 21
    assert worker.loop.outcomes == {"handled": 21, "duplicate": 1, "dead_lettered": 0}


def test_the_inbox_answers_for_many_events_at_once_and_ignores_records_it_has(servers, database):
    inbox = Inbox(database, "g")
    stored, fresh = [new_event("Counted", "k", {"n": n}, source="test") for n in range(2)]
    inbox.mark_processed(stored)
    inbox.mark_all_processed([inbox.record_of(fresh), inbox.record_of(stored)])  # one already there: no error
    assert inbox.processed_among([stored["event_id"], fresh["event_id"], "unknown"]) == {stored["event_id"],
                                                                                       fresh["event_id"]}
    assert database[INBOX].count_documents({}) == 2
    assert_uses_index(database[INBOX], {"_id": {"$in": ["g:a", "g:b"]}})


def test_partition_positions_are_tracked_per_partition(servers, new_topic):
    """Sanity check of the broker setup the loop relies on: topics are created with the asked partitions."""
    topic = new_topic(partitions=3)
    consumer = make_consumer(servers.kafka, f"probe-{uuid.uuid4().hex[:6]}", "probe")
    try:
        assert consumer.partitions_for_topic(topic) == {0, 1, 2}
        consumer.assign([TopicPartition(topic, 0)])
        assert consumer.end_offsets([TopicPartition(topic, 0)]) == {TopicPartition(topic, 0): 0}
    finally:
        consumer.close(autocommit=False)
