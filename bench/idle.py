"""Is the system idle? Every consumer group has read to the end of its topics and every
outbox is empty: what the benchmark waits for between measurements, so one measurement's
backlog does not slow the next."""
import time

from kafka.structs import TopicPartition
from pymongo.errors import OperationFailure

from eventkit.kafka import make_admin, make_consumer
from eventkit.mongo import get_database
from eventkit.outbox import pending_count
from eventkit.topics import INTAKE_EVENTS, PAYMENTS_EVENTS, VERIFICATION_EVENTS

GROUPS = {"verification-applications": [INTAKE_EVENTS, PAYMENTS_EVENTS],
          "notification": [INTAKE_EVENTS, VERIFICATION_EVENTS, PAYMENTS_EVENTS],
          "intake-decisions": [VERIFICATION_EVENTS, PAYMENTS_EVENTS], "directory-decisions": [VERIFICATION_EVENTS],
          "payments": [VERIFICATION_EVENTS, INTAKE_EVENTS]}
OUTBOXES = {"intake": "applications", "verification": "cases", "notification": "notifications",
            "payments": "vouchers"}


def consumer_lag(kafka: str) -> dict[str, int]:
    """group -> messages on its topics it has not committed yet."""
    admin = make_admin(kafka, "bench-lag")
    consumer = make_consumer(kafka, None, "bench-lag")
    try:
        committed = admin.list_group_offsets(list(GROUPS))
        lag = {}
        for group, topics in GROUPS.items():
            partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or [])]
            ends = consumer.end_offsets(partitions)
            done = {tp: meta.offset for tp, meta in committed.get(group, {}).items()}
            lag[group] = sum(max(0, end - done.get(tp, 0)) for tp, end in ends.items())
        return lag
    finally:
        consumer.close(autocommit=False)
        admin.close()


def pending_outbox_events(mongodb: str, database: str, collection: str) -> int:
    """Events of `database.collection`'s outbox waiting for the relay; a database error is asked again
    for half a minute rather than ending an hour of measurements."""
    for attempt in range(30):
        try:
            return pending_count(get_database(mongodb, database)[collection])
        except OperationFailure:
            if attempt == 29:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def wait_until_idle(kafka: str, mongodb: str, timeout: float = 1800, say=print) -> float:
    """Seconds until no group lags and no outbox holds events, twice in a row."""
    started, quiet = time.monotonic(), 0
    while time.monotonic() - started < timeout:
        # group and database names overlap ("notification"): label each figure with what it counts
        waiting = {**{f"{group} lag": n for group, n in consumer_lag(kafka).items()},
                   **{f"{db} outbox": pending_outbox_events(mongodb, db, coll) for db, coll in OUTBOXES.items()}}
        busy = {k: v for k, v in waiting.items() if v}
        quiet = 0 if busy else quiet + 1
        if quiet >= 2:
            return time.monotonic() - started
        say(f"  still working: {busy}")
        time.sleep(3)
    raise TimeoutError(f"the system was still busy after {timeout}s")


def wait_outbox_drained(mongodb: str, database: str, collection: str, timeout: float = 600) -> float:
    started = time.monotonic()
    while pending_outbox_events(mongodb, database, collection):
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{database}.{collection}'s outbox not drained after {timeout}s")
        time.sleep(0.2)
    return time.monotonic() - started
