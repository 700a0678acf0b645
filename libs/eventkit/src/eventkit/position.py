"""Where the record being handled sits in its topic: topic, partition and offset.

The consumer loop sets it around each handler call, like the correlation id, so a read
model can store the position of the event it was built from in the same write as the
projection (the directory's listings do) and a reader can later follow the topic from
there instead of from its beginning. A record replayed from a dead-letter topic carries
its origin's position (the `dlq.origin.*` headers), not the dead-letter topic's.
"""
import contextvars
import dataclasses

from eventkit.dead_letters import header_value, origin_of


@dataclasses.dataclass(frozen=True)
class Position:
    topic: str
    partition: int
    offset: int

    def as_document(self) -> dict:
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset}


_current = contextvars.ContextVar("record_position", default=None)


def position_of(message) -> Position:
    """The record's own position, or its origin's when it is a dead letter being replayed."""
    partition = header_value(message, "dlq.origin.partition")
    offset = header_value(message, "dlq.origin.offset")
    if partition is not None and offset is not None:
        return Position(origin_of(message), int(partition), int(offset))
    return Position(message.topic, message.partition, message.offset)


def current_position() -> Position | None:
    """The position of the record the current handler call is handling (None outside a consumer)."""
    return _current.get()


def set_position(position: Position | None) -> contextvars.Token:
    return _current.set(position)


def reset_position(token: contextvars.Token) -> None:
    _current.reset(token)
