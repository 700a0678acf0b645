"""The system's topics: one per publishing service, keyed by application id (docs/architecture.md, "Topics")."""

INTAKE_EVENTS = "intake.events"
VERIFICATION_EVENTS = "verification.events"
NOTIFICATION_EVENTS = "notification.events"

ALL = (INTAKE_EVENTS, VERIFICATION_EVENTS, NOTIFICATION_EVENTS)
DEFAULT_PARTITIONS = 3


def dead_letter_topic(consumer_group: str) -> str:
    """Each consumer group has its own dead-letter topic, so its replay re-runs its own handler."""
    return f"deadletter.{consumer_group}"
