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
    RELOAD_CHECK_SECONDS = 30  # how often a process asks whether an operator rebuilt the listings

    def __init__(self, config: Config):
        self.config = config
        self.index = SearchIndex()
        self.lock = threading.Lock()
        self.caught_up = threading.Event()
        self.states: dict[str, dict] = {}  # registration number -> its listing (listed or not, revoked or not)
        self.approved_months: dict[str, str] = {}  # registration number -> "YYYY-MM" of approval
        self.positions: dict[int, int] = {}  # partition -> next offset to read
        self.loaded = False  # the collection has been loaded; after a broker error only the topic is re-read
        self.rebuilt_at: str | None = None  # the listings' last rebuild when they were loaded
        self._thread = threading.Thread(target=self._run, name="search-feed", daemon=True)

    def start(self) -> "SearchFeed":
        self._thread.start()
        return self

    # -- filling the index ------------------------------------------------------------------
    def load(self, listings: ListingRepository, partitions: list[int]) -> int:
        """Fill a new index from the collection and swap it in (the old one serves meanwhile).

        Positions first, then the listings: whatever a listing written during the scan came from
        lies past those positions and is read again from the topic (order-safe, so harmless)."""
        rebuilt_at = listings.last_rebuilt()
        positions = listings.positions(self.config.decisions_topic, partitions)
        states, months = {}, {}
        for listing in listings.all():
            states[listing["_id"]] = listing
            months[listing["_id"]] = listing.get("approved_at", "")[:7]
        index = SearchIndex()
        index.load(states.values())
        with self.lock:
            self.index, self.states, self.approved_months, self.positions = index, states, months, positions
            self.rebuilt_at = rebuilt_at
        return len(states)

    def apply(self, position: Position | None, envelope: dict) -> None:
        """The directory's projection rules (domain.listing.apply_decision), applied to the index."""
        with self.lock:
            if position is not None:
                self.positions[position.partition] = position.offset + 1
            try:
                number = registration_number_of(envelope)
                if not number:
                    return
                listing = apply_decision(self.states.get(number), envelope,
                                         position.as_document() if position else None)
            except NotADecision:
                return
            if listing is None:
                return
            self.states[number] = listing
            self.approved_months.setdefault(number, listing.get("approved_at", "")[:7])
            self.index.put(listing)  # only a listed, unrevoked listing stays searchable

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
        """Load the collection (at start, or after an operator's rebuild), then follow the topic
        from the loaded positions until the listings are rebuilt again."""
        decisions = decision_log_for(self.config, f"directory-search-{os.getpid()}")
        listings = listings_for(self.config)
        try:
            while not decisions.open(wait_seconds=1).partitions:
                pass
            if not self.loaded:
                loading = time.monotonic()
                count = self.load(listings, [tp.partition for tp in decisions.partitions])
                self.loaded = True
                log.info("search index loaded %d listings from the collection in %.1f s", count,
                         time.monotonic() - loading)
            decisions.seek(self.positions)
            ends = decisions.ends()
            next_check = time.monotonic() + self.RELOAD_CHECK_SECONDS
            while True:
                for position, envelope in decisions.poll(timeout_ms=500):
                    self.apply(position, envelope)
                if not self.caught_up.is_set() and decisions.reached(ends):
                    log.info("search index ready: %d listings, %.1f s after start", len(self.index),
                             time.monotonic() - started)
                    self.caught_up.set()
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.RELOAD_CHECK_SECONDS
                    if listings.last_rebuilt() != self.rebuilt_at:
                        log.info("the listings were rebuilt: reloading the search index from them")
                        self.loaded = False
                        return
        finally:
            decisions.close()
