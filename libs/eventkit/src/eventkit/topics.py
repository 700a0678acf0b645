"""The system's topics: one per publishing service, keyed by application id, and how long each keeps its records.

Event topics are kept forever: read models (the directory's listings, intake's status) can
be rebuilt from them, and Kafka's default (seven days) would silently drop every record older
than a week. Dead-letter topics hold messages waiting for an operator; they keep them for a
finite, documented time (DEAD_LETTER_RETENTION_DAYS) so a forgotten backlog cannot grow forever.
"""

INTAKE_EVENTS = "intake.events"
VERIFICATION_EVENTS = "verification.events"
NOTIFICATION_EVENTS = "notification.events"
PAYMENTS_EVENTS = "payments.events"

ALL = (INTAKE_EVENTS, VERIFICATION_EVENTS, NOTIFICATION_EVENTS, PAYMENTS_EVENTS)
DEFAULT_PARTITIONS = 3
DEAD_LETTER_PREFIX = "deadletter."
KEEP_FOREVER_MS = -1
DEAD_LETTER_RETENTION_DAYS = 90


def dead_letter_topic(consumer_group: str) -> str:
    """Each consumer group has its own dead-letter topic, so its replay re-runs its own handler."""
    return f"{DEAD_LETTER_PREFIX}{consumer_group}"


def retention_ms(topic: str) -> int:
    """`retention.ms` for `topic`: forever for event topics, DEAD_LETTER_RETENTION_DAYS for dead letters."""
    if topic.startswith(DEAD_LETTER_PREFIX):
        return DEAD_LETTER_RETENTION_DAYS * 24 * 3600 * 1000
    return KEEP_FOREVER_MS


def topic_configs(topic: str) -> dict[str, str]:
    """The per-topic settings every topic of the system is created with and corrected to."""
    return {"retention.ms": str(retention_ms(topic))}
