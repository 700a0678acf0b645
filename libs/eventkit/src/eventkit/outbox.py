"""Write once, publish later (docs/architecture.md, "The outbox").

A state change and the events it causes are written in ONE document: the document's
`outbox` list holds each event with its delivery state, `outbox_pending` says whether any
is waiting, and `revision` changes whenever the list does. Nothing else is written: the
relay finds the pending documents through the index on `outbox_pending` (OUTBOX_INDEXES,
which each service lists for its outbox collections in `adapters/indexes.py`), so a crash
can never leave an event written but unseen.

The relay works in batches: it reads up to `batch_size` pending documents in one query,
sends all their pending events, waits for the broker to acknowledge them (one flush), then
marks the outcome of every document in one unordered bulk write. Each update is conditioned
on the revision the relay read, so an event appended meanwhile is never marked as sent; the
documents whose revision moved are re-read together and marked again.

Guarantees: events of one document are sent in their order, and a document's events go to
one partition (keyed), so per-key order holds. Delivery is at least once: a crash between
publishing and marking, or a send that failed, leaves the events pending and they are sent
again with the same event ids, which consumers' inboxes deduplicate.
"""
import datetime as dt
import logging

from kafka.errors import KafkaError
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.collection import Collection

from eventkit import indexes
from eventkit.envelope import encode
from eventkit.lifecycle import StopFlag
from eventkit.metrics import OUTBOX_FAILED, OUTBOX_PUBLISHED

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"

PENDING_INDEX = "outbox_pending_1"
OUTBOX_INDEXES = [IndexModel([("outbox_pending", ASCENDING)], name=PENDING_INDEX)]
"""The index the relay's query runs on; list it for every collection that has an outbox:
`INDEXES = {"applications": [*OUTBOX_INDEXES, ...]}`."""

PENDING_FILTER = {"outbox_pending": True}
_PROJECTION = {"outbox": 1, "revision": 1}
_MARK_ATTEMPTS = 3


def _entry(envelope: dict) -> dict:
    return {"event": envelope, "state": PENDING, "send_count": 0, "sent_at": None, "error": None}


def new_document_fields(events: list[dict]) -> dict:
    """Fields to include in a document inserted together with its first events."""
    return {"outbox": [_entry(e) for e in events], "outbox_pending": bool(events), "revision": 1}


def with_events(update: dict, events: list[dict]) -> dict:
    """Add `events` to a Mongo update document so they are stored in the same write."""
    merged = {op: dict(fields) for op, fields in update.items()}
    merged.setdefault("$push", {})["outbox"] = {"$each": [_entry(e) for e in events]}
    merged.setdefault("$set", {})["outbox_pending"] = True
    merged.setdefault("$inc", {})["revision"] = 1
    return merged


def replacing_sent_events(update: dict, outbox: list[dict], events: list[dict]) -> dict:
    """Like `with_events`, but the events the document published already (in `outbox`, as read) are dropped with
    their payloads; those still waiting for the relay stay, before `events`. For an erasure, where what the
    published events carried must not stay in the document (the topic's copies are the data keys' business).
    Condition the write on the revision `outbox` was read at: the relay may mark entries meanwhile."""
    kept = [entry for entry in outbox if entry.get("state") == PENDING]
    merged = {op: dict(fields) for op, fields in update.items()}
    merged.setdefault("$set", {}).update(outbox=[*kept, *(_entry(e) for e in events)],
                                         outbox_pending=bool(kept or events))
    merged.setdefault("$inc", {})["revision"] = 1
    return merged


def ensure_indexes(collection: Collection) -> None:
    """Create OUTBOX_INDEXES on `collection` (the relay does at start; idempotent, like every index declaration)."""
    indexes.ensure_indexes(collection.database, {collection.name: OUTBOX_INDEXES})


def insert_with_events(collection: Collection, document: dict, events: list[dict]) -> None:
    """Insert a document together with its first events (one write)."""
    collection.insert_one({**document, **new_document_fields(events)})


def update_with_events(collection: Collection, query: dict, update: dict, events: list[dict]) -> bool:
    """Apply `update` and store `events` in the same write, if `query` matches; returns whether it matched."""
    if not events:
        return collection.update_one(query, update).matched_count == 1
    return collection.update_one(query, with_events(update, events)).matched_count == 1


def pending_count(collection: Collection) -> int:
    """How many events of `collection` wait to be published (found through the pending index).

    Counted here from the entries' states rather than by an aggregation: DocumentDB answered the
    `$filter`/`$group` form with an internal error ("tuple offset out of range: 0") several times in
    a row while a relay was marking the same documents (seen in `make bench`'s waits)."""
    return sum(1 for doc in collection.find(PENDING_FILTER, {"outbox.state": 1})
               for entry in doc.get("outbox", []) if entry.get("state") == PENDING)


def legacy_signals_name(collection: Collection) -> str:
    """Where an earlier relay kept one signal document per pending document; nothing writes there any more."""
    return f"{collection.name}_outbox_signals"


def drop_legacy_signals(collection: Collection) -> None:
    """Drop `collection`'s old signal collection if the database still has one (a stack upgraded in place)."""
    collection.database.drop_collection(legacy_signals_name(collection))


class OutboxRelay:
    """Publishes the pending events of one collection to one topic, a batch of documents at a time."""

    def __init__(self, collection: Collection, topic: str, producer, batch_size: int = 200,
                 flush_timeout: float = 30.0):
        self.collection = collection
        self.topic = topic
        self.producer = producer
        self.batch_size = batch_size
        self.flush_timeout = flush_timeout

    def _pending_documents(self) -> list[dict]:
        """Up to `batch_size` documents with pending events: one query bounded by the pending index.

        The index is named (hint): with the LIMIT, DocumentDB's planner picked a collection scan, betting
        that pending documents are common; they are rare, so every pass read the whole collection
        (measured: 300-550 ms a pass at 56k applications, 2.5 ms through the index)."""
        cursor = self.collection.find(PENDING_FILTER, _PROJECTION).limit(self.batch_size).hint(PENDING_INDEX)
        return list(cursor.batch_size(self.batch_size))  # the whole batch in the first reply: no getMore

    def publish_pending(self) -> int:
        """One pass: read a batch of pending documents, send their events, wait for the broker, mark the
        outcomes in one bulk write; returns how many events were published."""
        return self._publish_batch()[1]

    def _publish_batch(self) -> tuple[int, int]:
        """One pass; returns (documents read, events published)."""
        docs = self._pending_documents()
        if not docs:
            return 0, 0
        sends = []  # (doc, index in outbox, future), in each document's order
        for doc in docs:
            for index, entry in enumerate(doc["outbox"]):
                if entry["state"] == PENDING:
                    sends.append((doc, index, self._send(entry["event"])))
        self.producer.flush(timeout=self.flush_timeout)
        return len(docs), self._mark(docs, sends)

    def _send(self, event: dict):
        return self.producer.send(self.topic, key=event["key"].encode(), value=encode(event),
                                  headers=[("event_type", event["event_type"].encode()),
                                           ("event_id", event["event_id"].encode())])

    def _mark(self, docs: list[dict], sends: list) -> int:
        """Store what became of each send; returns how many were published."""
        outcome: dict[str, tuple] = {}  # event id -> (state, error)
        retry_docs = set()
        for doc, index, future in sends:
            event_id = doc["outbox"][index]["event"]["event_id"]
            error = future.exception if future.is_done else KafkaError("send not completed before flush timeout")
            if error is None:
                outcome[event_id] = (SENT, None)
            elif future.is_done and not getattr(error, "retriable", True):
                outcome[event_id] = (FAILED, repr(error))
                OUTBOX_FAILED.labels(self.topic).inc()
                log.error("outbox event %s refused by the broker for good: %r", event_id, error)
            else:
                retry_docs.add(doc["_id"])
                log.warning("outbox send to %s failed, will retry: %s", self.topic, error)
        # A document with a failed send stays as it is: all its pending events go again next pass,
        # so its events keep their order on the topic.
        self._store_outcomes([doc for doc in docs if doc["_id"] not in retry_docs], outcome)
        published = sum(1 for state, _ in outcome.values() if state == SENT)
        OUTBOX_PUBLISHED.labels(self.topic).inc(published)
        return published

    def _store_outcomes(self, docs: list[dict], outcome: dict) -> None:
        """Mark the outcomes in one unordered bulk write, each update under the revision read. The documents
        that changed meanwhile are re-read (one query) and marked again, so events appended in between stay
        pending and nothing already sent is sent again. After the last attempt the rest stays pending."""
        now = dt.datetime.now(dt.timezone.utc)
        for _ in range(_MARK_ATTEMPTS):
            updates = [self._marking(doc, outcome, now) for doc in docs]
            if not updates:
                return
            if self.collection.bulk_write(updates, ordered=False).matched_count == len(updates):
                return
            fresh = self.collection.find({"_id": {"$in": [doc["_id"] for doc in docs]}}, _PROJECTION)
            docs = [doc for doc in fresh if _awaits_outcome(doc, outcome)]

    @staticmethod
    def _marking(doc: dict, outcome: dict, now: dt.datetime) -> UpdateOne:
        for entry in doc["outbox"]:
            result = outcome.get(entry["event"]["event_id"])
            if result and entry["state"] == PENDING:
                entry.update(state=result[0], error=result[1], send_count=entry["send_count"] + 1,
                             sent_at=now if result[0] == SENT else None)
        still_pending = any(e["state"] == PENDING for e in doc["outbox"])
        return UpdateOne({"_id": doc["_id"], "revision": doc["revision"]},
                         {"$set": {"outbox": doc["outbox"], "outbox_pending": still_pending}})

    def run(self, stop: StopFlag, idle_sleep: float = 0.2, quick_sleep: float = 0.02) -> None:
        """Publish until stopped: a full batch after another while the backlog lasts; otherwise pause as
        `next_pause` says (`quick_sleep` after a pass that found events, growing to `idle_sleep` while
        there are none). Errors are logged and the pass retried after a pause."""
        log.info("outbox relay started: %s.%s -> %s", self.collection.database.name,
                 self.collection.name, self.topic)
        backoff = idle_sleep
        pause = idle_sleep
        while not stop.is_set:
            try:
                read, _ = self._publish_batch()
                backoff = idle_sleep
            except Exception:  # noqa: BLE001 - a relay must outlive broker and database outages
                log.exception("outbox relay pass failed; retrying in %.1fs", backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if read < self.batch_size:
                pause = next_pause(pause, read, quick_sleep, idle_sleep)
                stop.wait(pause)
        self.producer.flush(timeout=self.flush_timeout)
        log.info("outbox relay stopped")


def next_pause(previous: float, found: int, quick: float, idle: float) -> float:
    """How long a relay waits before its next look at the outbox. Events come in streams (a stream of
    submissions, a worker's batch of decisions): after a pass that found some, look again after `quick`;
    after each empty pass, twice as long as the last pause, up to `idle`. A steady trickle is published
    within a few hundredths of a second at each hop instead of up to `idle`, and an idle relay still asks
    only every `idle` seconds (measured: bench's submit-to-searchable crosses two relays)."""
    if found:
        return quick
    return min(idle, max(quick, previous * 2))


def _awaits_outcome(doc: dict, outcome: dict) -> bool:
    """Whether `doc` still holds, pending, an event whose outcome the relay has to store."""
    return any(entry["state"] == PENDING and entry["event"]["event_id"] in outcome for entry in doc["outbox"])
