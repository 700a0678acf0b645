"""Write once, publish later (DESIGN.md §3).

A state change and the events it causes are written in ONE document: the document's
`outbox` list holds each event with its delivery state, `outbox_pending` (indexed) says
whether any is waiting, and `revision` changes whenever the list does. The relay
publishes pending events in batches, then marks them sent with an update conditioned on
the revision it read, so an event appended meanwhile is never marked unsent-as-sent.
A crash between publishing and marking re-sends the batch; consumers' inboxes absorb it.
"""
import datetime as dt
import logging

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


class OutboxRelay:
    """Publishes the pending events of one collection to one topic."""

    def __init__(self, collection: Collection, topic: str, producer, batch_size: int = 200,
                 flush_timeout: float = 30.0):
        self.collection = collection
        self.topic = topic
        self.producer = producer
        self.batch_size = batch_size
        self.flush_timeout = flush_timeout

    def publish_pending(self) -> int:
        """One pass: publish what is pending now; returns how many events were published."""
        docs = list(self.collection.find({"outbox_pending": True}, {"outbox": 1, "revision": 1})
                    .sort("_id", ASCENDING).limit(self.batch_size))
        if not docs:
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
        return self._mark(docs, sends)

    def _mark(self, docs: list[dict], sends: list) -> int:
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
        for doc in docs:
            if doc["_id"] not in retry_docs:  # else leave it pending: the whole document is re-sent next pass
                self._store_outcome(doc, outcome, now)
        published = sum(1 for state, _ in outcome.values() if state == SENT)
        OUTBOX_PUBLISHED.labels(self.topic).inc(published)
        return published

    def _store_outcome(self, doc: dict, outcome: dict, now: dt.datetime, attempts: int = 3) -> None:
        """Mark the sent events, under a revision check; if the document changed meanwhile, re-read and retry,
        so events appended in between stay pending and nothing already sent is sent again."""
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
                return
            doc = self.collection.find_one({"_id": doc["_id"]}, {"outbox": 1, "revision": 1})
            if doc is None:
                return

    def run(self, stop: StopFlag, idle_sleep: float = 0.2) -> None:
        """Publish until stopped; errors are logged and the pass retried after a pause."""
        log.info("outbox relay started: %s.%s -> %s", self.collection.database.name,
                 self.collection.name, self.topic)
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
