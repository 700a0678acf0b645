"""Reading verification's decisions straight from their topic, without a consumer group.

Used where every reader needs every event of the topic from a position of its own choosing:
each web process's search index (from the positions its listings record) and the operator's
rebuild (from the oldest record the topic still holds). Records that are not event envelopes
are skipped here: the worker's consumer group dead-letters them.
"""
import time
from collections.abc import Iterator

from kafka.structs import TopicPartition

from eventkit.envelope import InvalidMessage, decode
from eventkit.kafka import make_consumer
from eventkit.position import Position


class DecisionLog:
    def __init__(self, bootstrap_servers: str, topic: str, client_id: str):
        self.topic = topic
        self.consumer = make_consumer(bootstrap_servers, None, client_id)
        self.partitions: list[TopicPartition] = []

    def open(self, wait_seconds: float = 0) -> "DecisionLog":
        """Find the topic's partitions (waiting up to `wait_seconds` for the topic to exist) and take them all."""
        deadline = time.monotonic() + wait_seconds
        while True:
            found = self.consumer.partitions_for_topic(self.topic) or set()
            if found or time.monotonic() >= deadline:
                break
            time.sleep(1)
        self.partitions = [TopicPartition(self.topic, p) for p in sorted(found)]
        self.consumer.assign(self.partitions)
        return self

    def seek(self, positions: dict[int, int]) -> None:
        """Read each partition from `positions[partition]`, or from its oldest record when not given."""
        for tp in self.partitions:
            if tp.partition in positions:
                self.consumer.seek(tp, positions[tp.partition])
            else:
                self.consumer.seek_to_beginning(tp)

    def beginnings(self) -> dict[int, int]:
        """partition -> the oldest offset the topic still holds (raised by retention or DeleteRecords)."""
        return {tp.partition: offset for tp, offset in self.consumer.beginning_offsets(self.partitions).items()}

    def ends(self) -> dict[int, int]:
        return {tp.partition: offset for tp, offset in self.consumer.end_offsets(self.partitions).items()}

    def reached(self, ends: dict[int, int]) -> bool:
        return all(self.consumer.position(tp) >= ends.get(tp.partition, 0) for tp in self.partitions)

    def poll(self, timeout_ms: int = 500, max_records: int = 500,
             until: dict[int, int] | None = None) -> Iterator[tuple[Position, dict]]:
        """The next records as (position, envelope), in order within each partition; with `until`,
        only records before those offsets."""
        for tp, messages in self.consumer.poll(timeout_ms=timeout_ms, max_records=max_records).items():
            for message in messages:
                if until is not None and message.offset >= until.get(tp.partition, 0):
                    continue
                try:
                    envelope = decode(message.value)
                except InvalidMessage:
                    continue
                yield Position(message.topic, message.partition, message.offset), envelope

    def read_until(self, ends: dict[int, int], batch: int = 500) -> Iterator[list[tuple[Position, dict]]]:
        """Batches of records from the current positions up to `ends` (exclusive)."""
        while not self.reached(ends):
            records = list(self.poll(timeout_ms=1000, max_records=batch, until=ends))
            if records:
                yield records

    def close(self) -> None:
        self.consumer.close(autocommit=False)
