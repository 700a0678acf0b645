"""Topic retention rules and the position of a record being handled."""
from types import SimpleNamespace

from eventkit.position import Position, position_of
from eventkit.topics import ALL, dead_letter_topic, retention_ms, topic_configs


def test_event_topics_are_kept_forever_and_dead_letters_for_ninety_days():
    assert {retention_ms(topic) for topic in ALL} == {-1}
    assert retention_ms("bench.decisions.1000") == -1  # any topic a read model is built from
    assert retention_ms(dead_letter_topic("notification")) == 90 * 24 * 3600 * 1000
    assert topic_configs("intake.events") == {"retention.ms": "-1"}


def record(topic, partition, offset, headers=()):
    return SimpleNamespace(topic=topic, partition=partition, offset=offset, headers=list(headers))


def test_a_record_is_at_its_own_position():
    assert position_of(record("verification.events", 2, 41)) == Position("verification.events", 2, 41)


def test_a_replayed_dead_letter_is_at_its_origins_position():
    letter = record("deadletter.directory-decisions", 0, 7, [
        ("dlq.origin.topic", b"verification.events"), ("dlq.origin.partition", b"1"), ("dlq.origin.offset", b"99")])
    assert position_of(letter) == Position("verification.events", 1, 99)
