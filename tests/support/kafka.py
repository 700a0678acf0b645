"""Reading what is on a topic, for tests: from the beginning, with a group of its own."""
import uuid

from eventkit.kafka import make_consumer


def read_messages(bootstrap_servers: str, topic: str, count: int, keep=lambda message: True,
                  timeout_s: float = 20.0) -> list:
    """The first `count` messages on `topic` that `keep` accepts (fewer if `timeout_s` passes quietly)."""
    consumer = make_consumer(bootstrap_servers, f"test-reader-{uuid.uuid4().hex[:8]}", "test-reader",
                             consumer_timeout_ms=int(timeout_s * 1000))
    consumer.subscribe([topic])
    found = []
    try:
        for message in consumer:
            if keep(message):
                found.append(message)
                if len(found) >= count:
                    break
    finally:
        consumer.close(autocommit=False)
    return found
