"""Helpers for the integration suite: read what is on a topic, produce to it."""
import json

import pytest

from eventkit.kafka import make_producer
from support.kafka import read_messages


@pytest.fixture
def read_topic(servers):
    """read_topic(topic, expected) -> the first `expected` messages on the topic, from the beginning."""
    def read(topic: str, expected: int, timeout_s: float = 20.0) -> list:
        return read_messages(servers.kafka, topic, expected, timeout_s=timeout_s)
    return read


@pytest.fixture
def producer(servers):
    p = make_producer(servers.kafka, "test-producer")
    yield p
    p.close(timeout=10)


@pytest.fixture
def publish(producer):
    """publish(topic, envelope or raw bytes): send one message and wait until the broker has it."""
    def send(topic: str, value, key: str = "k") -> None:
        raw = value if isinstance(value, bytes) else json.dumps(value).encode()
        producer.send(topic, key=key.encode(), value=raw).get(timeout=15)
    return send
