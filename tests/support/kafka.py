"""Reading what is on a topic, for tests: from the beginning, with a group of its own."""
import uuid

from eventkit.kafka import make_consumer


def read_messages(bootstrap_servers: str, topic: str, count: int, keep=lambda message: True,
                  timeout_s: float = 20.0) -> list:
    """The first `count` messages on `topic` that `keep` accepts (fewer if `timeout_s` passes quietly)."""
    consumer = make_consumer(bootstrap_servers, f"test-reader-{uuid.uuid4().hex[:8]}", "test-reader",
                             consumer_timeout_ms=int(timeout_s * 1000))
    consumer.subscribe([topic])
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


def read_to_end(bootstrap_servers: str, topic: str, keep=lambda message: True) -> list:
    """Every message on `topic` up to its end as of now, that `keep` accepts (no idle wait)."""
    from kafka.structs import TopicPartition

    consumer = make_consumer(bootstrap_servers, None, f"test-reader-{uuid.uuid4().hex[:8]}", consumer_timeout_ms=10000)
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    found = []
    try:
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            for records in consumer.poll(timeout_ms=1000).values():
                found.extend(r for r in records if r.offset < ends[TopicPartition(r.topic, r.partition)] and keep(r))
    finally:
        consumer.close(autocommit=False)
    return found
