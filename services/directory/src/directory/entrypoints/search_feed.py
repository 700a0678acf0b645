"""Keeps each web process's in-memory SearchIndex current: loaded from the `listings`
collection at start, then following verification.events (DECISIONS_TOPIC) from the
positions stored with the listings — never from the topic's beginning, so a process is
ready in seconds however large the directory and however little of the topic is retained.

A background thread, started in the process that serves requests (after gunicorn's fork),
does both. Until it has loaded the collection and read what the topic held past those
positions, the process reports not ready and search answers 503. Requests and the thread
share the index under one lock.
"""
import logging
import os
import threading
import time
from collections import Counter

from directory.adapters.listings import ListingRepository
from directory.bootstrap import decision_log_for, listings_for
from directory.config import Config
from directory.domain.listing import NotADecision, apply_decision, registration_number_of
from directory.domain.search_index import SearchIndex
from eventkit.position import Position

log = logging.getLogger(__name__)


class SearchFeed:
    def __init__(self, config: Config):
        self.config = config
        self.index = SearchIndex()
        self.lock = threading.Lock()
        self.caught_up = threading.Event()
        self.loaded_in: float | None = None  # seconds from start to ready, for the logs and the benchmark
        self.states: dict[str, dict] = {}  # registration number -> its listing (listed or not, revoked or not)
        self.approved_months: dict[str, str] = {}  # registration number -> "YYYY-MM" of approval
        self.positions: dict[int, int] = {}  # partition -> next offset to read
        self.loaded = False  # the collection has been loaded; after a broker error only the topic is re-read
        self._thread = threading.Thread(target=self._run, name="search-feed", daemon=True)

    def start(self) -> "SearchFeed":
        self._thread.start()
        return self

    # -- filling the index ------------------------------------------------------------------
    def load(self, listings: ListingRepository, partitions: list[int]) -> int:
        """Positions first, then the listings: whatever a listing written during the scan came from
        lies past those positions and is read again from the topic (order-safe, so harmless)."""
        positions = listings.positions(self.config.decisions_topic, partitions)
        loaded = []
        for listing in listings.all():
            self.states[listing["_id"]] = listing
            self.approved_months.setdefault(listing["_id"], listing.get("approved_at", "")[:7])
            loaded.append(listing)
        with self.lock:
            self.index.load(loaded)
            self.positions = positions
        return len(loaded)

    def apply(self, position: Position | None, envelope: dict) -> None:
        """The directory's projection rules (domain.listing.apply_decision), applied to the index."""
        try:
            number = registration_number_of(envelope)
            if not number:
                return
            with self.lock:
                listing = apply_decision(self.states.get(number), envelope,
                                         position.as_document() if position else None)
                if listing is None:
                    return
                self.states[number] = listing
                self.approved_months.setdefault(number, listing.get("approved_at", "")[:7])
                self.index.put(listing)  # only a listed, unrevoked listing stays searchable
        except NotADecision:
            return
        finally:
            if position is not None:
                self.positions[position.partition] = position.offset + 1

    def stats(self) -> dict:
        with self.lock:
            facets = self.index.search(limit=1)["facets"]
            months = Counter(self.approved_months.values())
        return {"listed": len(self.index), **{f"by_{facet}": counts for facet, counts in facets.items()},
                "registrations_per_month": dict(sorted(months.items()))}

    # -- the thread -----------------------------------------------------------------------------
    def _run(self) -> None:
        started = time.monotonic()
        while True:
            try:
                self._follow(started)
            except Exception:  # noqa: BLE001 - keep going through database and broker restarts
                log.exception("search feed interrupted; trying again in 2 s")
                time.sleep(2)

    def _follow(self, started: float) -> None:
        decisions = decision_log_for(self.config, f"directory-search-{os.getpid()}")
        try:
            while not decisions.open(wait_seconds=1).partitions:
                pass
            if not self.loaded:
                count = self.load(listings_for(self.config), [tp.partition for tp in decisions.partitions])
                self.loaded = True
                log.info("search index loaded %d listings from the collection in %.1f s", count,
                         time.monotonic() - started)
            decisions.seek(self.positions)
            ends = decisions.ends()
            while True:
                for position, envelope in decisions.poll(timeout_ms=500):
                    self.apply(position, envelope)
                if not self.caught_up.is_set() and decisions.reached(ends):
                    self.loaded_in = time.monotonic() - started
                    log.info("search index ready: %d listings, %.1f s after start", len(self.index), self.loaded_in)
                    self.caught_up.set()
        finally:
            decisions.close()
