"""The outbox relay against real Kafka and the real MongoDB-protocol server."""
import json

from eventkit import outbox
from eventkit.envelope import new_event
from eventkit.kafka import make_producer


def _insert_with_events(collection, doc_id: str, count: int) -> list[dict]:
    events = [new_event("ThingHappened", doc_id, {"n": n}, source="test") for n in range(count)]
    outbox.insert_with_events(collection, {"_id": doc_id, "name": doc_id}, events)
    return events


def test_pending_events_are_published_in_order_and_marked_sent(servers, database, new_topic, read_topic):
    topic = new_topic()
    coll = database["things"]
    outbox.ensure_indexes(coll)
    events = _insert_with_events(coll, "a", 2) + _insert_with_events(coll, "b", 1)
    producer = make_producer(servers.kafka, "relay-test")
    try:
        assert outbox.OutboxRelay(coll, topic, producer).publish_pending() == 3
    finally:
        producer.close(timeout=10)

    messages = read_topic(topic, 3)
    assert sorted(json.loads(m.value)["event_id"] for m in messages) == sorted(e["event_id"] for e in events)
    by_key = {}
    for m in sorted(messages, key=lambda m: m.offset):
        by_key.setdefault(m.key.decode(), []).append(json.loads(m.value)["payload"]["n"])
    assert by_key == {"a": [0, 1], "b": [0]}  # one document's events keep their order
    assert dict(messages[0].headers)["event_type"] == b"ThingHappened"
    for doc in coll.find():
        assert doc["outbox_pending"] is False
        assert all(e["state"] == "sent" and e["send_count"] == 1 for e in doc["outbox"])


def test_event_appended_while_publishing_is_not_marked_sent(servers, database, new_topic, read_topic):
    """The relay marks with a revision check: a concurrent append keeps the document pending,
    and what was already sent is not sent again."""
    topic = new_topic(partitions=1)
    coll = database["things"]
    [first] = _insert_with_events(coll, "a", 1)
    late = new_event("ThingChanged", "a", {"late": True}, source="test")
    real = make_producer(servers.kafka, "relay-test")

    class AppendDuringFlush:
        """A real producer; while it flushes, a writer appends one more event to the document."""
        def send(self, *args, **kwargs):
            return real.send(*args, **kwargs)

        def flush(self, timeout=None):
            real.flush(timeout)
            outbox.update_with_events(coll, {"_id": "a"}, {"$set": {"name": "changed"}}, [late])

    relay = outbox.OutboxRelay(coll, topic, AppendDuringFlush())
    try:
        relay.publish_pending()
        assert coll.find_one({"_id": "a"})["outbox_pending"] is True
        relay.producer = real
        relay.publish_pending()
    finally:
        real.close(timeout=10)
    doc = coll.find_one({"_id": "a"})
    assert doc["outbox_pending"] is False and doc["name"] == "changed"
    assert [e["send_count"] for e in doc["outbox"]] == [1, 1]
    published = [json.loads(m.value)["event_id"] for m in read_topic(topic, 2)]
    assert published == [first["event_id"], late["event_id"]]


def test_events_left_pending_by_a_crash_are_sent_again(servers, database, new_topic, read_topic):
    """Published but not marked (the relay died in between): the next relay re-sends them."""
    topic = new_topic()
    coll = database["things"]
    [event] = _insert_with_events(coll, "a", 1)
    producer = make_producer(servers.kafka, "relay-test")

    class CrashBeforeMarking(outbox.OutboxRelay):
        def _mark(self, docs, sends):
            raise SystemExit("relay killed after publishing")

    try:
        try:
            CrashBeforeMarking(coll, topic, producer).publish_pending()
        except SystemExit:
            pass
        assert coll.find_one({"_id": "a"})["outbox_pending"] is True
        assert outbox.OutboxRelay(coll, topic, producer).publish_pending() == 1
    finally:
        producer.close(timeout=10)
    ids = [json.loads(m.value)["event_id"] for m in read_topic(topic, 2)]
    assert ids == [event["event_id"], event["event_id"]]  # at least once; consumers deduplicate
    assert coll.find_one({"_id": "a"})["outbox_pending"] is False


def test_nothing_pending_publishes_nothing(servers, database, new_topic):
    coll = database["things"]
    coll.insert_one({"_id": "quiet", **outbox.new_document_fields([])})
    producer = make_producer(servers.kafka, "relay-test")
    try:
        assert outbox.OutboxRelay(coll, new_topic(), producer).publish_pending() == 0
    finally:
        producer.close(timeout=10)


def test_a_document_whose_signal_was_lost_is_found_by_the_sweep(servers, database, new_topic, read_topic):
    """The signal is a second write; if a crash loses it, the periodic sweep still publishes the events."""
    topic = new_topic()
    coll = database["things"]
    event = new_event("ThingHappened", "lost", {}, source="test")
    coll.insert_one({"_id": "lost", **outbox.new_document_fields([event])})  # written, never signalled
    producer = make_producer(servers.kafka, "relay-test")
    try:
        relay = outbox.OutboxRelay(coll, topic, producer)
        assert relay.publish_pending() == 0  # no signal: publishing alone does not see it
        assert relay.sweep() == 1  # the sweep (at start, then every minute) signals it again
        assert relay.publish_pending() == 1
        assert outbox.signals_of(coll).count_documents({}) == 0
    finally:
        producer.close(timeout=10)
    assert [json.loads(m.value)["event_id"] for m in read_topic(topic, 1)] == [event["event_id"]]


def test_signals_are_cleared_once_sent_and_kept_while_pending(servers, database, new_topic):
    coll = database["things"]
    _insert_with_events(coll, "s", 1)
    assert outbox.signals_of(coll).count_documents({}) == 1
    producer = make_producer(servers.kafka, "relay-test")
    try:
        relay = outbox.OutboxRelay(coll, new_topic(), producer)
        relay.publish_pending()
        assert outbox.signals_of(coll).count_documents({}) == 0
        outbox.update_with_events(coll, {"_id": "s"}, {"$set": {"n": 1}},
                                  [new_event("ThingChanged", "s", {}, source="test")])
        assert outbox.signals_of(coll).count_documents({}) == 1
        assert relay.publish_pending() == 1  # found through its signal, long before the next sweep
    finally:
        producer.close(timeout=10)
