"""Feeds each web process's in-memory SearchIndex from verification.events (DECISIONS_TOPIC).

A background thread, started in the process that serves requests (after gunicorn's fork),
reads the topic from the beginning without a consumer group (every process needs every
event) and keeps following it. Until it has read what the topic held when it started,
the process reports not ready and search answers 503. Requests and the thread share the
index under one lock.
"""
import logging
import os
import threading
import time
from collections import Counter

from kafka.structs import TopicPartition

from directory.config import Config
from directory.domain.listing import listing_from_approval
from directory.domain.search_index import SearchIndex
from eventkit.envelope import InvalidMessage, decode
from eventkit.kafka import make_consumer

log = logging.getLogger(__name__)


class SearchFeed:
    def __init__(self, config: Config):
        self.config = config
        self.index = SearchIndex()
        self.lock = threading.Lock()
        self.caught_up = threading.Event()
        self.event_times: dict[str, str] = {}  # registration number -> time of the event its state comes from
        self.approved_months: dict[str, str] = {}  # registration number -> "YYYY-MM" of approval
        self._thread = threading.Thread(target=self._run, name="search-feed", daemon=True)

    def start(self) -> "SearchFeed":
        self._thread.start()
        return self

    def apply(self, envelope: dict) -> None:
        """The directory's projection rules, applied to the index (order-safe, like the listings collection)."""
        event_type = envelope["event_type"]
        try:
            if event_type == "ApplicationApproved":
                listing = listing_from_approval(envelope)
                number, at = listing["_id"], listing["last_event_at"]
            elif event_type == "RegistrationRevoked":
                number, at = envelope["payload"]["registration_number"], envelope["occurred_at"]
                listing = None
            else:
                return
        except (KeyError, TypeError):
            return
        with self.lock:
            if self.event_times.get(number, "") >= at:
                return
            self.event_times[number] = at
            if listing is None:
                self.index.remove(number)
                return
            self.approved_months.setdefault(number, listing["approved_at"][:7])
            self.index.put(listing)

    def stats(self) -> dict:
        with self.lock:
            facets = self.index.search(limit=1)["facets"]
            months = Counter(self.approved_months.values())
        return {"listed": len(self.index), **{f"by_{facet}": counts for facet, counts in facets.items()},
                "registrations_per_month": dict(sorted(months.items()))}

    def _run(self) -> None:
        while True:
            try:
                self._follow()
            except Exception:  # noqa: BLE001 - keep following through broker restarts
                log.exception("search feed interrupted; reading again in 2 s")
                time.sleep(2)

    def _follow(self) -> None:
        consumer = make_consumer(self.config.kafka_bootstrap_servers, None, f"directory-search-{os.getpid()}")
        try:
            partitions = None
            while not partitions:
                topic = self.config.decisions_topic
                partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
                if not partitions:
                    time.sleep(1)
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            ends = consumer.end_offsets(partitions)
            while True:
                for messages in consumer.poll(timeout_ms=500).values():
                    for message in messages:
                        try:
                            self.apply(decode(message.value))
                        except InvalidMessage:
                            continue
                if not self.caught_up.is_set() and all(consumer.position(tp) >= end for tp, end in ends.items()):
                    log.info("search index caught up: %d listings", len(self.index))
                    self.caught_up.set()
        finally:
            consumer.close(autocommit=False)
