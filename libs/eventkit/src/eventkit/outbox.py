"""Write once, publish later (docs/architecture.md, "The outbox").

A state change and the events it causes are written in ONE document: the document's
`outbox` list holds each event with its delivery state, `outbox_pending` (indexed) says
whether any is waiting, and `revision` changes whenever the list does. The relay
publishes pending events in batches, then marks them sent with an update conditioned on
the revision it read, so an event appended meanwhile is never marked unsent-as-sent.
A crash between publishing and marking re-sends the batch; consumers' inboxes absorb it.

Finding pending documents: a query on `outbox_pending` scans the whole collection on
FerretDB's SQLite backend (it uses indexes for `_id` only), which is too slow to run
several times a second. So each write that adds events also drops a small signal
document (`<collection>_outbox_signals`, keyed by the document's id) and the relay reads
those, then the documents by id. The signal is a second write, not atomic with the
first: if a crash loses it, the relay's sweep (a full `outbox_pending` query, at start and
then every `sweep_seconds`) signals the document again. The sweep runs in a thread of its
own: on FerretDB it takes seconds per few thousand documents, and publishing must not wait
for it (it did: the benchmark saw submissions wait 20–75 s behind a sweep).
"""
import datetime as dt
import logging
import threading
import uuid

from kafka.errors import KafkaError
from pymongo import ASCENDING
from pymongo.collection import Collection

from eventkit.envelope import encode
from eventkit.lifecycle import StopFlag
from eventkit.metrics import OUTBOX_FAILED, OUTBOX_PUBLISHED

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"


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


def ensure_indexes(collection: Collection) -> None:
    collection.create_index([("outbox_pending", ASCENDING)])


def signals_of(collection: Collection) -> Collection:
    return collection.database[f"{collection.name}_outbox_signals"]


def signal(collection: Collection, document_id) -> None:
    """Tell the relay that this document has pending events (after writing them)."""
    signals_of(collection).update_one({"_id": document_id}, {"$set": {"token": uuid.uuid4().hex}}, upsert=True)


def insert_with_events(collection: Collection, document: dict, events: list[dict]) -> None:
    """Insert a document together with its first events, and signal the relay."""
    collection.insert_one({**document, **new_document_fields(events)})
    if events:
        signal(collection, document["_id"])


def update_with_events(collection: Collection, query: dict, update: dict, events: list[dict]) -> bool:
    """Apply `update` and store `events` in the same write, if `query` matches; signal the relay."""
    if not events:
        return collection.update_one(query, update).matched_count == 1
    matched = collection.update_one(query, with_events(update, events)).matched_count == 1
    if matched:
        signal(collection, query["_id"])
    return matched


class OutboxRelay:
    """Publishes the pending events of one collection to one topic."""

    def __init__(self, collection: Collection, topic: str, producer, batch_size: int = 200,
                 flush_timeout: float = 30.0, sweep_seconds: float = 60.0):
        self.collection = collection
        self.signals = signals_of(collection)
        self.topic = topic
        self.producer = producer
        self.batch_size = batch_size
        self.flush_timeout = flush_timeout
        self.sweep_seconds = sweep_seconds

    def sweep(self) -> int:
        """Signal every document with pending events (finds those whose signal a crash lost);
        returns how many. A full scan on FerretDB: run apart from publishing."""
        found = 0
        for doc in self.collection.find({"outbox_pending": True}, {"_id": 1}):
            signal(self.collection, doc["_id"])
            found += 1
        if found:
            log.info("outbox sweep of %s signalled %d pending documents", self.collection.name, found)
        return found

    def _sweep_until(self, stop: StopFlag) -> None:
        while not stop.is_set:
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - the next sweep tries again; publishing goes on meanwhile
                log.exception("outbox sweep of %s failed", self.collection.name)
            stop.wait(self.sweep_seconds)

    def _pending_documents(self) -> tuple[list[dict], list[dict]]:
        """The signalled documents still pending, and the signals read."""
        signals = list(self.signals.find().limit(self.batch_size))
        projection = {"outbox": 1, "revision": 1, "outbox_pending": 1}
        docs = {}
        for sig in signals:
            doc = self.collection.find_one({"_id": sig["_id"]}, projection)
            if doc is not None and doc.get("outbox_pending"):
                docs[doc["_id"]] = doc
        return list(docs.values()), signals

    def publish_pending(self) -> int:
        """One pass: publish what is pending now; returns how many events were published."""
        docs, signals = self._pending_documents()
        if not docs:
            self._clear(signals, still_pending=set())
            return 0
        sends = []  # (doc, index in outbox, future)
        for doc in docs:
            for index, entry in enumerate(doc["outbox"]):
                if entry["state"] == PENDING:
                    event = entry["event"]
                    future = self.producer.send(
                        self.topic, key=event["key"].encode(), value=encode(event),
                        headers=[("event_type", event["event_type"].encode()),
                                 ("event_id", event["event_id"].encode())])
                    sends.append((doc, index, future))
        self.producer.flush(timeout=self.flush_timeout)
        published, still_pending = self._mark(docs, sends)
        self._clear(signals, still_pending)
        return published

    def _clear(self, signals: list[dict], still_pending: set) -> None:
        """Drop the signals of documents with nothing left to send, unless re-signalled meanwhile."""
        for sig in signals:
            if sig["_id"] not in still_pending:
                self.signals.delete_one({"_id": sig["_id"], "token": sig.get("token")})

    def _mark(self, docs: list[dict], sends: list) -> tuple[int, set]:
        now = dt.datetime.now(dt.timezone.utc)
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
        still_pending = set(retry_docs)  # left pending: the whole document is re-sent next pass
        for doc in docs:
            if doc["_id"] not in retry_docs and self._store_outcome(doc, outcome, now):
                still_pending.add(doc["_id"])
        published = sum(1 for state, _ in outcome.values() if state == SENT)
        OUTBOX_PUBLISHED.labels(self.topic).inc(published)
        return published, still_pending

    def _store_outcome(self, doc: dict, outcome: dict, now: dt.datetime, attempts: int = 3) -> bool:
        """Mark the sent events, under a revision check; if the document changed meanwhile, re-read and retry,
        so events appended in between stay pending and nothing already sent is sent again.
        Returns whether the document still has events to send."""
        for _ in range(attempts):
            for entry in doc["outbox"]:
                result = outcome.get(entry["event"]["event_id"])
                if result and entry["state"] == PENDING:
                    entry.update(state=result[0], error=result[1], send_count=entry["send_count"] + 1,
                                 sent_at=now if result[0] == SENT else None)
            still_pending = any(e["state"] == PENDING for e in doc["outbox"])
            marked = self.collection.update_one(
                {"_id": doc["_id"], "revision": doc["revision"]},
                {"$set": {"outbox": doc["outbox"], "outbox_pending": still_pending}})
            if marked.matched_count:
                return still_pending
            doc = self.collection.find_one({"_id": doc["_id"]}, {"outbox": 1, "revision": 1})
            if doc is None:
                return False
        return True

    def run(self, stop: StopFlag, idle_sleep: float = 0.2) -> None:
        """Publish until stopped; errors are logged and the pass retried after a pause."""
        log.info("outbox relay started: %s.%s -> %s", self.collection.database.name,
                 self.collection.name, self.topic)
        threading.Thread(target=self._sweep_until, args=(stop,), name="outbox-sweep", daemon=True).start()
        backoff = idle_sleep
        while not stop.is_set:
            try:
                published = self.publish_pending()
                backoff = idle_sleep
            except Exception:  # noqa: BLE001 - a relay must outlive broker and database outages
                log.exception("outbox relay pass failed; retrying in %.1fs", backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if published < self.batch_size:
                stop.wait(idle_sleep)
        self.producer.flush(timeout=self.flush_timeout)
        log.info("outbox relay stopped")
