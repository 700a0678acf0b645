"""The outbox relay against real Kafka and the real MongoDB-protocol server."""
import json

from pymongo import MongoClient, monitoring

from eventkit import outbox
from eventkit.envelope import new_event
from eventkit.indexes import ensure_indexes
from eventkit.kafka import make_producer
from support.explain import assert_pipeline_uses_index, assert_uses_index
from support.kafka import read_to_end


def things(database):
    """The test's collection with an outbox, and the index the relay's query names (as a relay's start makes it)."""
    ensure_indexes(database, {"things": outbox.OUTBOX_INDEXES})
    return database["things"]


def _insert_with_events(collection, doc_id: str, count: int) -> list[dict]:
    events = [new_event("ThingHappened", doc_id, {"n": n}, source="test") for n in range(count)]
    outbox.insert_with_events(collection, {"_id": doc_id, "name": doc_id}, events)
    return events


def test_pending_events_are_published_in_order_and_marked_sent(servers, database, new_topic, read_topic):
    topic = new_topic()
    coll = things(database)
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
    coll = things(database)
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
    coll = things(database)
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
    coll = things(database)
    coll.insert_one({"_id": "quiet", **outbox.new_document_fields([])})
    producer = make_producer(servers.kafka, "relay-test")
    try:
        assert outbox.OutboxRelay(coll, new_topic(), producer).publish_pending() == 0
    finally:
        producer.close(timeout=10)


def test_the_relay_query_is_bounded_by_the_declared_pending_index(servers, database):
    """The query as the relay sends it names the index: with its LIMIT, DocumentDB's planner chose a
    collection scan once the collection was large (56k applications: 300-550 ms a pass), though it
    picks the index on a small one like this; so the hint itself is checked, then its plan."""
    listener = CommandCounter()
    client = MongoClient(servers.mongodb_uri, event_listeners=[listener])
    try:
        coll = client[database.name]["things"]
        ensure_indexes(client[database.name], {"things": outbox.OUTBOX_INDEXES})
        coll.insert_many([{"_id": f"d{n}", **outbox.new_document_fields([])} for n in range(50)])
        _insert_with_events(coll, "busy", 1)
        relay = outbox.OutboxRelay(coll, "unused", producer=None, batch_size=20)
        listener.sent.clear()
        assert [d["_id"] for d in relay._pending_documents()] == ["busy"]
        [find] = [command for command in listener.sent if "find" in command]
        assert (find["filter"], find["limit"], find["hint"]) == (outbox.PENDING_FILTER, 20, outbox.PENDING_INDEX)
        assert_uses_index(coll, find["filter"], limit=find["limit"], hint=find["hint"], index=outbox.PENDING_INDEX)
    finally:
        client.close()


def test_a_pending_document_is_found_without_anything_else_written(servers, database, new_topic, read_topic):
    """The document is the only write: no signal, no sweep; the relay's query finds it."""
    topic = new_topic()
    coll = things(database)
    event = new_event("ThingHappened", "plain", {}, source="test")
    coll.insert_one({"_id": "plain", **outbox.new_document_fields([event])})
    assert database.list_collection_names() == ["things"]
    producer = make_producer(servers.kafka, "relay-test")
    try:
        assert outbox.OutboxRelay(coll, topic, producer).publish_pending() == 1
    finally:
        producer.close(timeout=10)
    assert [json.loads(m.value)["event_id"] for m in read_topic(topic, 1)] == [event["event_id"]]


def test_a_batch_costs_one_read_and_one_bulk_write(servers, database, new_topic):
    """Round trips per pass do not grow with the batch: one find, one flush, one bulk update."""
    listener = CommandCounter()
    client = MongoClient(servers.mongodb_uri, event_listeners=[listener])
    try:
        coll = client[database.name]["things"]
        ensure_indexes(client[database.name], {"things": outbox.OUTBOX_INDEXES})
        for n in range(25):
            _insert_with_events(coll, f"doc-{n}", 2)
        topic = new_topic()
        producer = make_producer(servers.kafka, "relay-test")
        try:
            relay = outbox.OutboxRelay(coll, topic, producer, batch_size=10)
            listener.commands.clear()
            assert relay.publish_pending() == 20
            assert listener.commands == ["find", "update"]
            assert outbox.pending_count(coll) == 30
            assert relay.publish_pending() + relay.publish_pending() == 30
            assert relay.publish_pending() == 0
        finally:
            producer.close(timeout=10)
        assert outbox.pending_count(coll) == 0
        assert coll.count_documents({"outbox_pending": False}) == 25
    finally:
        client.close()
    published = [json.loads(m.value)["event_id"] for m in read_to_end(servers.kafka, topic)]
    assert len(published) == len(set(published)) == 50  # each event once: nothing re-sent


def test_only_the_document_that_changed_meanwhile_is_read_again(servers, database, new_topic, read_topic):
    """In a batch, a concurrent append keeps that one document pending; the others are marked sent."""
    topic = new_topic(partitions=1)
    coll = things(database)
    _insert_with_events(coll, "a", 1)
    _insert_with_events(coll, "b", 1)
    late = new_event("ThingChanged", "b", {"late": True}, source="test")
    real = make_producer(servers.kafka, "relay-test")

    class AppendDuringFlush:
        def send(self, *args, **kwargs):
            return real.send(*args, **kwargs)

        def flush(self, timeout=None):
            real.flush(timeout)
            outbox.update_with_events(coll, {"_id": "b"}, {"$set": {"name": "changed"}}, [late])

    try:
        assert outbox.OutboxRelay(coll, topic, AppendDuringFlush()).publish_pending() == 2
    finally:
        real.close(timeout=10)
    a, b = coll.find_one({"_id": "a"}), coll.find_one({"_id": "b"})
    assert a["outbox_pending"] is False and [e["state"] for e in a["outbox"]] == ["sent"]
    assert b["outbox_pending"] is True and [e["state"] for e in b["outbox"]] == ["sent", "pending"]
    assert outbox.pending_count(coll) == 1
    assert len(read_topic(topic, 2)) == 2


def test_pending_count_counts_waiting_events_through_the_index(servers, database):
    coll = things(database)
    assert outbox.pending_count(coll) == 0
    _insert_with_events(coll, "a", 2)
    _insert_with_events(coll, "b", 3)
    coll.insert_one({"_id": "quiet", **outbox.new_document_fields([])})
    assert outbox.pending_count(coll) == 5
    assert_pipeline_uses_index(coll, [{"$match": outbox.PENDING_FILTER}])


def test_signal_collections_of_an_earlier_relay_are_dropped(servers, database):
    coll = things(database)
    database["things_outbox_signals"].insert_one({"_id": "a", "token": "t"})
    outbox.drop_legacy_signals(coll)
    assert "things_outbox_signals" not in database.list_collection_names()
    outbox.drop_legacy_signals(coll)  # none left: nothing happens


class CommandCounter(monitoring.CommandListener):
    """The names of the commands a client sent, in order (and the commands themselves, in `sent`)."""

    def __init__(self):
        self.commands, self.sent = [], []

    def started(self, event):
        self.commands.append(event.command_name)
        self.sent.append(dict(event.command))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass
