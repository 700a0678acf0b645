"""Kafka client factories with the system's defaults.

Producers are idempotent with acks=all (kafka-python 3's defaults, stated anyway so a
library upgrade can't change them silently). Consumers never auto-commit: the consumer
loop commits offset+1 once per poll, only after the handlers' effects and inbox records are stored.
"""
import logging
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from eventkit.topics import DEFAULT_PARTITIONS, topic_configs

log = logging.getLogger(__name__)


# kafka-python's default backs off up to 30 s between reconnects, which after a broker restart
# left the whole pipeline idle for most of a minute (seen in the Kafka drill). With this cap a
# broker that is back is found again within about 2 s.
RECONNECT_BACKOFF_MAX_MS = 2000

# A poll is the consumer loop's batch (one inbox query, one inbox insert, one commit). Per-record
# handlers keep it at 100: a slow handler (an SMTP send, or a failing one's retries) times 100 stays
# well inside max_poll_interval_ms, and bigger polls measured no faster with per-record handlers.
# A consumer with batch handlers polls up to 500: its bulk writes grow with the poll (runners.run_consumer).
MAX_POLL_RECORDS = 100
MAX_POLL_RECORDS_BATCHED = 500


def make_producer(bootstrap_servers: str, client_id: str, **overrides) -> KafkaProducer:
    config = dict(
        bootstrap_servers=bootstrap_servers.split(","),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        request_timeout_ms=15000,
        reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
    )
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(bootstrap_servers: str, group_id: str, client_id: str, **overrides) -> KafkaConsumer:
    """A consumer with no subscription yet; the consumer loop subscribes with a rebalance listener."""
    config = dict(
        bootstrap_servers=bootstrap_servers.split(","),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=MAX_POLL_RECORDS,
        max_poll_interval_ms=300000,
        session_timeout_ms=45000,  # a slow handler (retries, a PDF) must not cost the group membership
        heartbeat_interval_ms=3000,
        reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
        metadata_max_age_ms=30000,  # notice new partitions or topics within half a minute, not five
    )
    config.update(overrides)
    return KafkaConsumer(**config)


def make_admin(bootstrap_servers: str, client_id: str, timeout_ms: int = 5000) -> KafkaAdminClient:
    """An admin client that gives up after `timeout_ms` when no broker answers."""
    return KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","), client_id=client_id,
                            request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms)


def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int = DEFAULT_PARTITIONS,
                  wait_seconds: float = 120.0) -> None:
    """Create the topics that don't exist yet with the system's settings (eventkit.topics.topic_configs),
    and correct the settings of those that exist with others, waiting for the broker to come up first."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            admin = make_admin(bootstrap_servers, "topic-setup", timeout_ms=3000)
            break
        except KafkaError as exc:
            if time.monotonic() > deadline:
                raise
            log.info("waiting for Kafka at %s: %s", bootstrap_servers, exc)
            time.sleep(1.0)
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            new = [NewTopic(name=t, num_partitions=partitions, replication_factor=1, topic_configs=topic_configs(t))
                   for t in missing]
            try:
                admin.create_topics(new, raise_errors=True)
                log.info("created topics %s", missing)
            except TopicAlreadyExistsError:
                pass  # another process created them first
        correct_topic_configs(admin, [t for t in topics if t in existing])
    finally:
        admin.close()


class TopicSettingsRefused(KafkaError):
    """The broker would not give a topic the system's settings (a policy, or no permission)."""


def topic_settings(admin: KafkaAdminClient, topic: str) -> dict[str, str]:
    """The settings of `topic` that differ from the broker's defaults (name -> value)."""
    described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    return {name: entry["value"] for name, entry in described["topic"][topic].items()}


def correct_topic_configs(admin: KafkaAdminClient, topics: list[str]) -> None:
    """Set each topic's settings to the system's where they differ (a topic made before the rule, or by hand)."""
    for topic in topics:
        wanted = topic_configs(topic)
        current = topic_settings(admin, topic)
        wrong = {name: value for name, value in wanted.items() if current.get(name) != value}
        if wrong:
            result = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs=wrong)])
            outcome = result.get("topic", {}).get(topic)
            if outcome != "OK":  # kafka-python reports a refusal in the result, it does not raise it
                raise TopicSettingsRefused(f"Kafka refused to set {wrong} on topic {topic}: {outcome}")
            log.warning("corrected the settings of topic %s: %s (were %s)", topic, wrong,
                        {name: current.get(name, "broker default") for name in wrong})
