"""The consumer loop handles a poll as a batch: one inbox query, one inbox insert, one commit,
and every per-record guarantee kept. Kafka and the inbox are fakes here; tests/integration has the real ones."""
import dataclasses
import json

import pytest
from kafka.errors import CommitFailedError, KafkaTimeoutError
from kafka.structs import OffsetAndMetadata, TopicPartition
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError

from eventkit.consumer import ConsumerLoop, DependencyDown, Incoming, RejoinNeeded, TooManyDeadLetters
from eventkit.correlation import current_correlation_id
from eventkit.envelope import InvalidMessage, new_event
from eventkit.lifecycle import StopFlag
from eventkit.position import Position, current_position

TOPIC = "things.events"
P0, P1 = TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)


@dataclasses.dataclass
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: list
    leader_epoch: int = 7


def message(tp: TopicPartition, offset: int, envelope: dict | bytes) -> Message:
    value = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
    return Message(tp.topic, tp.partition, offset, b"k", value, [])


def event(n: int, event_type: str = "Counted") -> dict:
    return new_event(event_type, f"key-{n}", {"n": n}, source="test")


class FakeConsumer:
    """Hands out the given polls once each, then nothing; remembers seeks and commits."""

    def __init__(self, *polls: dict, commit_error: Exception | None = None):
        self.polls = list(polls)
        self.seeks: dict[TopicPartition, int] = {}
        self.commits: list[dict] = []
        self.commit_error = commit_error
        self.closed = False

    def poll(self, timeout_ms: int) -> dict:
        return self.polls.pop(0) if self.polls else {}

    def seek(self, tp, offset):
        self.seeks[tp] = offset

    def commit(self, offsets):
        if self.commit_error:
            raise self.commit_error
        self.commits.append(dict(offsets))

    def close(self, autocommit: bool):
        self.closed = True


class FakeInbox:
    """Processed-event records in a dict; counts the round trips the loop makes."""

    def __init__(self, processed=(), fail_query: Exception | None = None, fail_store: Exception | None = None):
        self.stored = {event_id: {"_id": event_id} for event_id in processed}
        self.queries: list[list[str]] = []
        self.inserts: list[list[str]] = []
        self.fail_query, self.fail_store = fail_query, fail_store

    def processed_among(self, event_ids):
        if self.fail_query:
            raise self.fail_query
        self.queries.append(list(event_ids))
        return {event_id for event_id in event_ids if event_id in self.stored}

    def record_of(self, envelope):
        return {"_id": envelope["event_id"]}

    def mark_all_processed(self, records):
        if self.fail_store:
            raise self.fail_store
        self.inserts.append([r["_id"] for r in records])
        for record in records:
            self.stored.setdefault(record["_id"], record)


class FakeFuture:
    def __init__(self, error=None):
        self.error = error

    def get(self, timeout=None):
        if self.error:
            raise self.error


class FakeProducer:
    def __init__(self, error: Exception | None = None):
        self.sent: list[tuple[str, bytes, dict]] = []
        self.error = error

    def send(self, topic, key, value, headers):
        self.sent.append((topic, value, dict(headers)))
        return FakeFuture(self.error)


class Recorder:
    """A per-record handler that remembers what it saw; fails as `failures` says (event id -> errors to raise)."""

    def __init__(self, failures: dict | None = None, inbox: FakeInbox | None = None):
        self.calls: list[str] = []
        self.seen_context: list[tuple] = []
        self.failures = failures or {}
        self.inbox = inbox
        self.stored_at_attempts: list[set] = []  # the inbox at each attempt on a failing event

    def __call__(self, envelope):
        self.calls.append(envelope["event_id"])
        self.seen_context.append((current_correlation_id(), current_position()))
        if envelope["event_id"] in self.failures and self.inbox is not None:
            self.stored_at_attempts.append(set(self.inbox.stored))
        errors = self.failures.get(envelope["event_id"])
        if errors:
            error = errors.pop(0) if isinstance(errors, list) else errors
            raise error


def loop_for(consumer, handler, inbox, producer=None, **options) -> ConsumerLoop:
    return ConsumerLoop(consumer, "group", handler, inbox, producer or FakeProducer(), backoff_seconds=0, **options)


def process(loop: ConsumerLoop, poll: dict, stop: StopFlag | None = None) -> None:
    loop._process(poll, stop or StopFlag(install_signal_handlers=False))


def committed(consumer: FakeConsumer) -> dict:
    return {tp: meta.offset for commit in consumer.commits for tp, meta in commit.items()}


def test_a_poll_costs_one_inbox_query_one_inbox_insert_and_one_commit():
    events = [event(n) for n in range(6)]
    poll = {P0: [message(P0, 10 + n, e) for n, e in enumerate(events[:4])],
            P1: [message(P1, 3 + n, e) for n, e in enumerate(events[4:])]}
    consumer, inbox, handler = FakeConsumer(), FakeInbox(), Recorder()
    loop = loop_for(consumer, handler, inbox)
    process(loop, poll)
    assert handler.calls == [e["event_id"] for e in events]
    assert inbox.queries == [[e["event_id"] for e in events]]
    assert inbox.inserts == [[e["event_id"] for e in events]]
    assert consumer.commits == [{P0: OffsetAndMetadata(14, "", 7), P1: OffsetAndMetadata(5, "", 7)}]
    assert consumer.seeks == {}
    assert loop.outcomes == {"handled": 6, "duplicate": 0, "dead_lettered": 0}


def test_events_handled_before_or_earlier_in_the_poll_are_skipped():
    old, new = event(1), event(2)
    poll = {P0: [message(P0, 0, old), message(P0, 1, new), message(P0, 2, new)]}
    consumer, inbox, handler = FakeConsumer(), FakeInbox(processed=[old["event_id"]]), Recorder()
    loop = loop_for(consumer, handler, inbox)
    process(loop, poll)
    assert handler.calls == [new["event_id"]]
    assert inbox.inserts == [[new["event_id"]]]
    assert committed(consumer) == {P0: 3}
    assert loop.outcomes == {"handled": 1, "duplicate": 2, "dead_lettered": 0}


def test_the_handler_sees_each_records_correlation_id_and_position():
    first, second = event(1), event(2)
    poll = {P1: [message(P1, 40, first), message(P1, 41, second)]}
    handler = Recorder()
    process(loop_for(FakeConsumer(), handler, FakeInbox()), poll)
    assert handler.seen_context == [(first["correlation_id"], Position(TOPIC, 1, 40)),
                                    (second["correlation_id"], Position(TOPIC, 1, 41))]
    assert current_correlation_id() is None and current_position() is None


def test_records_handled_before_a_retry_are_stored_first_and_the_retry_succeeds():
    events = [event(n) for n in range(4)]
    inbox = FakeInbox()
    handler = Recorder({events[2]["event_id"]: [RuntimeError("transient")]}, inbox=inbox)
    consumer = FakeConsumer()
    loop = loop_for(consumer, handler, inbox)
    process(loop, {P0: [message(P0, n, e) for n, e in enumerate(events)]})
    ids = [e["event_id"] for e in events]
    assert handler.stored_at_attempts == [set(), set(ids[:2])]  # stored before the retry, not after the poll
    assert handler.calls == ids[:3] + ids[2:]
    assert inbox.inserts == [ids[:2], ids[2:]]
    assert committed(consumer) == {P0: 4}
    assert loop.outcomes == {"handled": 4, "duplicate": 0, "dead_lettered": 0}


def test_a_handler_that_keeps_failing_is_dead_lettered_after_storing_the_others():
    events = [event(n) for n in range(3)]
    inbox, producer, consumer = FakeInbox(), FakeProducer(), FakeConsumer()
    handler = Recorder({events[1]["event_id"]: ValueError("bug")}, inbox=inbox)
    loop = loop_for(consumer, handler, inbox, producer, max_attempts=3)
    process(loop, {P0: [message(P0, n, e) for n, e in enumerate(events)]})
    assert handler.calls.count(events[1]["event_id"]) == 3
    assert handler.stored_at_attempts[1:] == [{events[0]["event_id"]}] * 2
    [(topic, value, headers)] = producer.sent
    assert topic == "deadletter.group" and json.loads(value)["event_id"] == events[1]["event_id"]
    assert headers["dlq.error"] == b"ValueError: bug"
    assert set(inbox.stored) == {events[0]["event_id"], events[2]["event_id"]}
    assert committed(consumer) == {P0: 3}
    assert loop.outcomes == {"handled": 2, "duplicate": 0, "dead_lettered": 1}


def test_malformed_records_and_invalid_messages_are_dead_lettered_at_once():
    good, refused = event(1), event(2)
    poll = {P0: [message(P0, 0, b"{not json"), message(P0, 1, refused), message(P0, 2, good)]}
    inbox, producer, consumer = FakeInbox(), FakeProducer(), FakeConsumer()
    handler = Recorder({refused["event_id"]: InvalidMessage("no such thing")})
    loop = loop_for(consumer, handler, inbox, producer)
    process(loop, poll)
    assert [value for _, value, _ in producer.sent][0] == b"{not json"
    assert handler.calls == [refused["event_id"], good["event_id"]]  # an InvalidMessage is not retried
    assert inbox.inserts == [[good["event_id"]]]
    assert committed(consumer) == {P0: 3}
    assert loop.outcomes == {"handled": 1, "duplicate": 0, "dead_lettered": 2}


def test_records_handled_before_a_dead_letter_are_stored_before_it_is_sent():
    good, refused = event(1), event(2)
    inbox = FakeInbox()

    class SnapshotProducer(FakeProducer):
        def send(self, topic, key, value, headers):
            self.inbox_then = set(inbox.stored)
            return super().send(topic, key, value, headers)

    producer = SnapshotProducer()
    loop = loop_for(FakeConsumer(), Recorder({refused["event_id"]: InvalidMessage("x")}), inbox, producer)
    process(loop, {P0: [message(P0, 0, good), message(P0, 1, refused)]})
    assert producer.inbox_then == {good["event_id"]}


def test_a_database_outage_mid_poll_keeps_what_was_handled_and_rewinds_to_the_first_unfinished():
    events = [event(n) for n in range(4)]
    inbox, producer, consumer = FakeInbox(), FakeProducer(), FakeConsumer()
    handler = Recorder({events[2]["event_id"]: AutoReconnect("database gone")})
    loop = loop_for(consumer, handler, inbox, producer)
    with pytest.raises(DependencyDown):
        process(loop, {P0: [message(P0, 20 + n, e) for n, e in enumerate(events)], P1: [message(P1, 5, event(9))]})
    assert handler.calls == [e["event_id"] for e in events[:3]]  # no retry, no dead letter during an outage
    assert producer.sent == []
    assert inbox.inserts == [[e["event_id"] for e in events[:2]]]
    assert committed(consumer) == {P0: 22}
    assert consumer.seeks == {P0: 22, P1: 5}


def test_inbox_records_that_cannot_be_stored_are_not_committed():
    events = [event(n) for n in range(2)]
    consumer = FakeConsumer()
    inbox = FakeInbox(fail_store=ServerSelectionTimeoutError("no server"))
    loop = loop_for(consumer, Recorder(), inbox)
    with pytest.raises(DependencyDown):
        process(loop, {P0: [message(P0, n, e) for n, e in enumerate(events)]})
    assert consumer.commits == [] and consumer.seeks == {P0: 0}
    assert loop.outcomes["handled"] == 0


def test_an_unreadable_inbox_handles_nothing_and_rewinds_the_poll():
    consumer, handler = FakeConsumer(), Recorder()
    loop = loop_for(consumer, handler, FakeInbox(fail_query=AutoReconnect("down")))
    with pytest.raises(DependencyDown):
        process(loop, {P0: [message(P0, 4, event(1))]})
    assert handler.calls == [] and consumer.commits == [] and consumer.seeks == {P0: 4}


def test_an_unreachable_dead_letter_topic_is_an_outage_not_a_loss():
    good, bad = event(1), event(2)
    inbox, consumer = FakeInbox(), FakeConsumer()
    loop = loop_for(consumer, Recorder({bad["event_id"]: InvalidMessage("x")}), inbox,
                    FakeProducer(error=KafkaTimeoutError("broker gone")))
    with pytest.raises(DependencyDown):
        process(loop, {P0: [message(P0, 0, good), message(P0, 1, bad)]})
    assert inbox.inserts == [[good["event_id"]]]
    assert committed(consumer) == {P0: 1} and consumer.seeks == {P0: 1}


def test_a_rebalance_refusing_the_commit_asks_for_a_rejoin():
    consumer = FakeConsumer(commit_error=CommitFailedError("rebalanced"))
    with pytest.raises(RejoinNeeded):
        process(loop_for(consumer, Recorder(), FakeInbox()), {P0: [message(P0, 0, event(1))]})


def test_a_run_of_dead_letters_stops_the_loop_after_committing_them():
    consumer, inbox = FakeConsumer(), FakeInbox()
    loop = loop_for(consumer, Recorder(), inbox, max_consecutive_dead_letters=2)
    with pytest.raises(TooManyDeadLetters):
        process(loop, {P0: [message(P0, n, b"garbage") for n in range(5)]})
    assert committed(consumer) == {P0: 3} and consumer.seeks == {P0: 3}


def test_a_stop_mid_poll_commits_what_is_done_and_rewinds_the_rest():
    stop = StopFlag(install_signal_handlers=False)
    events = [event(n) for n in range(3)]
    consumer, inbox = FakeConsumer(), FakeInbox()

    def handler(envelope):
        stop.set()

    process(loop_for(consumer, handler, inbox), {P0: [message(P0, n, e) for n, e in enumerate(events)]}, stop)
    assert inbox.inserts == [[events[0]["event_id"]]]
    assert committed(consumer) == {P0: 1} and consumer.seeks == {P0: 1}


def test_run_waits_out_an_outage_and_handles_the_records_afterwards():
    e = event(1)
    poll = {P0: [message(P0, 0, e)]}
    consumer = FakeConsumer(poll, poll)  # the rewound record comes back on the next poll
    failures = {e["event_id"]: [AutoReconnect("down")]}
    handler, stop = Recorder(failures), StopFlag(install_signal_handlers=False)
    loop = loop_for(consumer, handler, FakeInbox())
    loop.consumer.poll = lambda timeout_ms, polls=consumer.polls: polls.pop(0) if polls else stop.set() or {}
    stop.wait = lambda seconds: False  # no real outage pause in a unit test
    loop.run(stop)
    assert handler.calls == [e["event_id"], e["event_id"]]
    assert committed(consumer) == {P0: 1} and consumer.closed
    assert loop.outcomes == {"handled": 1, "duplicate": 0, "dead_lettered": 0}


class BatchRecorder:
    """A batch handler that remembers each call's events and positions; raises `error` once if given."""

    def __init__(self, error: Exception | None = None):
        self.calls: list[list[tuple[str, Position]]] = []
        self.error = error

    def __call__(self, incoming: list[Incoming]):
        self.calls.append([(i.envelope["event_id"], i.position) for i in incoming])
        if self.error:
            error, self.error = self.error, None
            raise error


def test_a_batch_handler_gets_runs_of_one_type_in_partition_order():
    a1, a2, b, a3, a4 = event(1), event(2), event(3, "Other"), event(4), event(5)
    done_before = event(6)
    poll = {P0: [message(P0, 0, a1), message(P0, 1, done_before), message(P0, 2, a2), message(P0, 3, b),
                 message(P0, 4, a3)],
            P1: [message(P1, 9, a4)]}
    consumer, inbox = FakeConsumer(), FakeInbox(processed=[done_before["event_id"]])
    handler, batch = Recorder(), BatchRecorder()
    loop = loop_for(consumer, handler, inbox, batch_handlers={"Counted": batch})
    process(loop, poll)
    assert [[event_id for event_id, _ in call] for call in batch.calls] == [
        [a1["event_id"], a2["event_id"]], [a3["event_id"]], [a4["event_id"]]]
    assert batch.calls[0][1][1] == Position(TOPIC, 0, 2)
    assert handler.calls == [b["event_id"]]  # the other type goes to the per-record handler, between the runs
    assert inbox.queries == [[e["event_id"] for e in (a1, done_before, a2, b, a3, a4)]]
    assert inbox.inserts == [[e["event_id"] for e in (a1, a2, b, a3, a4)]]
    assert committed(consumer) == {P0: 5, P1: 10}
    assert loop.outcomes == {"handled": 5, "duplicate": 1, "dead_lettered": 0}


def test_a_second_copy_of_an_event_ends_a_run_and_is_a_duplicate():
    a1, a2 = event(1), event(2)
    poll = {P0: [message(P0, 0, a1), message(P0, 1, a2), message(P0, 2, a1)]}
    batch, inbox = BatchRecorder(), FakeInbox()
    loop = loop_for(FakeConsumer(), Recorder(), inbox, batch_handlers={"Counted": batch})
    process(loop, poll)
    assert [[event_id for event_id, _ in call] for call in batch.calls] == [[a1["event_id"], a2["event_id"]]]
    assert loop.outcomes == {"handled": 2, "duplicate": 1, "dead_lettered": 0}


def test_a_failing_batch_handler_falls_back_to_the_per_record_handler():
    events = [event(n) for n in range(3)]
    inbox, producer, consumer = FakeInbox(), FakeProducer(), FakeConsumer()
    handler = Recorder({events[1]["event_id"]: InvalidMessage("bad payload")})
    batch = BatchRecorder(error=InvalidMessage("one of them is bad"))
    loop = loop_for(consumer, handler, inbox, producer, batch_handlers={"Counted": batch})
    process(loop, {P0: [message(P0, n, e) for n, e in enumerate(events)]})
    assert len(batch.calls) == 1
    assert handler.calls == [e["event_id"] for e in events]
    assert [json.loads(value)["event_id"] for _, value, _ in producer.sent] == [events[1]["event_id"]]
    assert set(inbox.stored) == {events[0]["event_id"], events[2]["event_id"]}
    assert committed(consumer) == {P0: 3}
    assert loop.outcomes == {"handled": 2, "duplicate": 0, "dead_lettered": 1}


def test_an_outage_in_a_batch_handler_rewinds_to_the_start_of_its_run():
    first, a1, a2 = event(1, "Other"), event(2), event(3)
    consumer, inbox, handler = FakeConsumer(), FakeInbox(), Recorder()
    batch = BatchRecorder(error=AutoReconnect("down"))
    loop = loop_for(consumer, handler, inbox, batch_handlers={"Counted": batch})
    with pytest.raises(DependencyDown):
        process(loop, {P0: [message(P0, 0, first), message(P0, 1, a1), message(P0, 2, a2)]})
    assert handler.calls == [first["event_id"]]  # no fallback during an outage
    assert inbox.inserts == [[first["event_id"]]]
    assert committed(consumer) == {P0: 1} and consumer.seeks == {P0: 1}
