"""The dead-letter path: where a message that can never succeed goes, with its origin and error."""
import datetime as dt

HEADER_PREFIX = "dlq."


def dead_letter_headers(message, group: str, error: BaseException) -> list[tuple[str, bytes]]:
    """The original headers plus where the message came from and why it failed."""
    kept = [(k, v) for k, v in (message.headers or []) if not k.startswith(HEADER_PREFIX)]
    origin = origin_of(message)
    replays = int(header_value(message, "dlq.replays") or 0) + (1 if origin != message.topic else 0)
    return kept + [
        ("dlq.origin.topic", origin.encode()),
        ("dlq.origin.partition", str(header_value(message, "dlq.origin.partition") or message.partition).encode()),
        ("dlq.origin.offset", str(header_value(message, "dlq.origin.offset") or message.offset).encode()),
        ("dlq.group", group.encode()),
        ("dlq.error", f"{type(error).__name__}: {error}"[:2000].encode()),
        ("dlq.failed_at", dt.datetime.now(dt.timezone.utc).isoformat().encode()),
        ("dlq.replays", str(replays).encode()),
    ]


def header_value(message, name: str) -> str | None:
    for key, value in message.headers or []:
        if key == name:
            return value.decode("utf-8", "replace")
    return None


def origin_of(message) -> str:
    """The topic a message first failed on, also when it is being replayed from a dead-letter topic."""
    return header_value(message, "dlq.origin.topic") or message.topic
