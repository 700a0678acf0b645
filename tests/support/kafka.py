"""Reading what is on a topic, for tests: from the beginning or from a time, with no group.

A long-lived stack (a developer's, or one that has just run `make bench`) holds every earlier
run's events, so suites that share it read from when their session started (`SESSION_STARTED_MS`)."""
import time
import uuid

from eventkit.kafka import make_consumer

# When this test session began (less a minute for clock steps): what it published comes after.
SESSION_STARTED_MS = int(time.time() * 1000) - 60_000


def read_messages(bootstrap_servers: str, topic: str, count: int, keep=lambda message: True,
                  timeout_s: float = 20.0, since_ms: int | None = None) -> list:
    """The first `count` messages on `topic` that `keep` accepts (fewer if `timeout_s` passes quietly),
    from the beginning, or from the first message stamped at or after `since_ms` when given."""
    consumer = make_consumer(bootstrap_servers, None, f"test-reader-{uuid.uuid4().hex[:8]}",
                             consumer_timeout_ms=int(timeout_s * 1000))
    _assign_from(consumer, topic, since_ms)
    found = []
    try:
        for message in consumer:
            if keep(message):
                found.append(message)
                if len(found) >= count:
                    break
    finally:
        consumer.close(autocommit=False)
    return found


def _assign_from(consumer, topic: str, since_ms: int | None) -> dict:
    """Assign every partition of `topic` to `consumer`, positioned at the beginning or at `since_ms`;
    returns each partition's end offset as of now."""
    from kafka.structs import TopicPartition

    partitions = [TopicPartition(topic, p) for p in sorted(_partitions_of(consumer, topic))]
    consumer.assign(partitions)
    ends = consumer.end_offsets(partitions)
    if since_ms is None:
        consumer.seek_to_beginning(*partitions)
    else:
        starts = consumer.offsets_for_times({tp: since_ms for tp in partitions})
        for tp in partitions:
            consumer.seek(tp, starts[tp].offset if starts[tp] is not None else ends[tp])
    return ends


def _partitions_of(consumer, topic: str, timeout_s: float = 20.0) -> set:
    """The topic's partitions, waiting for the topic to exist (a test may read before the first write)."""
    deadline = time.monotonic() + timeout_s
    while not (partitions := consumer.partitions_for_topic(topic)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert partitions, f"topic {topic} has no partitions"
    return partitions


def read_to_end(bootstrap_servers: str, topic: str, keep=lambda message: True, since_ms: int | None = None) -> list:
    """Every message on `topic` up to its end as of now, that `keep` accepts (no idle wait).

    With `since_ms` (wall-clock milliseconds) reading starts at the first message stamped at or
    after it, so a test's cost does not grow with what earlier runs left on a long-lived stack."""
    from kafka.structs import TopicPartition

    consumer = make_consumer(bootstrap_servers, None, f"test-reader-{uuid.uuid4().hex[:8]}", consumer_timeout_ms=10000)
    ends = _assign_from(consumer, topic, since_ms)
    found = []
    try:
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            for records in consumer.poll(timeout_ms=1000).values():
                found.extend(r for r in records if r.offset < ends[TopicPartition(r.topic, r.partition)] and keep(r))
    finally:
        consumer.close(autocommit=False)
    return found
