"""Assemble and run the long-lived processes: a consumer group's worker, an outbox relay,
and the operator's dead-letter replay. Clients are built here, inside the process that uses them."""
import hashlib
import logging
import os
import socket

from kafka.structs import TopicPartition

from eventkit import outbox
from eventkit.consumer import ConsumerLoop, Handler, RejoinNeeded
from eventkit.inbox import Inbox
from eventkit.kafka import MAX_POLL_RECORDS, MAX_POLL_RECORDS_BATCHED, ensure_topics, make_consumer, make_producer
from eventkit.lifecycle import StopFlag
from eventkit.mongo import get_database
from eventkit.topics import dead_letter_topic

log = logging.getLogger(__name__)


def client_id(role: str) -> str:
    return f"{role}-{socket.gethostname()}-{os.getpid()}"


def static_member_id(group: str, topics: list[str]) -> str | None:
    """A stable group member id for a supervised worker, so a restarted worker takes its
    partitions back at once instead of after the session timeout of the member it replaces
    (Kafka static membership). Only under supervisord, whose program names are unique;
    processes started any other way join as ordinary dynamic members.

    The id names the topics too (a short digest): a static member that comes back under its old id
    is handed its old assignment, so a worker restarted with a topic added to its subscription was
    never assigned that topic's partitions (seen here when intake's worker began reading
    payments.events). With a new id it joins as a new member and the group rebalances; the old id's
    partitions wait for its session to expire, as after a crash."""
    program = os.environ.get("SUPERVISOR_PROCESS_NAME")
    if not program:
        return None
    digest = hashlib.sha256(",".join(sorted(topics)).encode()).hexdigest()[:8]
    return f"{group}-{socket.gethostname()}-{program}-{digest}"


def wait_for_partitions(consumer, topics: list[str], stop: StopFlag) -> None:
    """Join only once the broker's metadata lists every topic's partitions. On a fresh cluster a
    topic created a moment ago may not be listed yet; a member that joined then was assigned
    none of its partitions until its next metadata refresh, minutes later (a clean-clone CI run
    caught notification missing intake.events that way)."""
    while not stop.is_set and not all(consumer.partitions_for_topic(topic) for topic in topics):
        log.info("waiting for the partitions of %s", topics)
        stop.wait(0.5)


def run_consumer(*, bootstrap_servers: str, mongodb_uri: str, database: str, group: str,
                 topics: list[str], handler: Handler, stop: StopFlag | None = None, **loop_options) -> None:
    """Run one member of consumer group `group` until SIGTERM; `loop_options` go to ConsumerLoop
    (e.g. `batch_handlers={event_type: fn}`, which also makes the polls bigger)."""
    stop = stop or StopFlag()
    poll_size = MAX_POLL_RECORDS_BATCHED if loop_options.get("batch_handlers") else MAX_POLL_RECORDS
    ensure_topics(bootstrap_servers, [*topics, dead_letter_topic(group)])
    producer = make_producer(bootstrap_servers, client_id(f"{group}-dlq"))
    inbox = Inbox(get_database(mongodb_uri, database), group)
    try:
        while not stop.is_set:
            consumer = make_consumer(bootstrap_servers, group, client_id(group),
                                     group_instance_id=static_member_id(group, topics), max_poll_records=poll_size)
            wait_for_partitions(consumer, topics, stop)
            consumer.subscribe(topics)
            try:
                ConsumerLoop(consumer, group, handler, inbox, producer, **loop_options).run(stop)
            except RejoinNeeded:
                continue  # the loop closed the old member; a new one joins
    finally:
        producer.close(timeout=10)


def run_relay(*, bootstrap_servers: str, mongodb_uri: str, database: str, collection: str,
              topic: str, stop: StopFlag | None = None) -> None:
    """Publish `collection`'s outbox to `topic` until SIGTERM."""
    stop = stop or StopFlag()
    ensure_topics(bootstrap_servers, [topic])
    coll = get_database(mongodb_uri, database)[collection]
    outbox.ensure_indexes(coll)  # the relay's query runs on it: made here too, whoever starts first
    outbox.drop_legacy_signals(coll)
    producer = make_producer(bootstrap_servers, client_id(f"{database}-relay"), max_block_ms=10000)
    try:
        outbox.OutboxRelay(coll, topic, producer).run(stop)
    finally:
        producer.close(timeout=10)


def replay_dead_letters(*, bootstrap_servers: str, mongodb_uri: str, database: str, group: str,
                        handler: Handler, stop: StopFlag | None = None) -> dict:
    """Re-run `group`'s handler on every message in its dead-letter topic, once.

    Reads up to the end the topic had when the replay started; a message that fails again
    goes back to the end of the same topic, with its replay count raised. A backlog that still
    fails is expected here, so the live loop's stop after a run of dead letters does not apply.
    Returns how many were waiting and what became of them (handled, duplicate, dead_lettered).
    """
    stop = stop or StopFlag()
    topic = dead_letter_topic(group)
    ensure_topics(bootstrap_servers, [topic])
    consumer = make_consumer(bootstrap_servers, f"{group}.replay", client_id(f"{group}-replay"))
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(partitions)
    end_offsets = consumer.end_offsets(partitions)
    waiting = sum(end - consumer.position(tp) for tp, end in end_offsets.items())
    log.info("replaying %d dead letters of %s", waiting, group)
    producer = make_producer(bootstrap_servers, client_id(f"{group}-replay"))
    inbox = Inbox(get_database(mongodb_uri, database), group)
    loop = ConsumerLoop(consumer, group, handler, inbox, producer, max_consecutive_dead_letters=None)
    try:
        loop.run(stop, until=end_offsets)
    finally:
        producer.close(timeout=10)
    return {"waiting": waiting, **loop.outcomes}
