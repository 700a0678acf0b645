"""Keeps each web process's in-memory SearchIndex current: loaded from the `listings`
collection at start, then following the decisions topic (DECISIONS_TOPIC) from the positions
stored with the listings. The process never replays the topic: it reads only what was published
after the listings it loaded (nothing, or the few events of the load's own seconds), so it is
ready in seconds however large the directory and however little of the topic is retained.

Ready time at 100k listings, one process (bench/directory_search.py --only ready): the positions
0.01-0.8 s, then the listings' public fields read a few batches ahead (`read_ahead`) while the
index is built from them in bulk (SearchIndex.load) with Python's cyclic collector paused
(`collector_paused`): 7.5-8 s side by side with 13.6-14 s for the same load with the collector
running, on this shared 2-core machine while it ran at about half its best speed. `make bench`
measured the whole web tier ready (gunicorn's start, the load, the fork, the topic caught up)
after 6.5-9.5 s at 100k and 2.4-3.1 s at 10k (two runs). Without WEB_PRELOAD each gunicorn worker loads its own copy.

A background thread, started in the process that serves requests (after gunicorn's fork),
does both. With WEB_PRELOAD=1 gunicorn's master does the load once before it forks
(`load_before_fork`), and each worker's thread only follows the topic from there: the web tier
is ready after one load instead of one per worker competing for the same cores, and the
workers share the loaded index's memory until they change it (copy-on-write).

Until a process has loaded the collection and read what the topic held past those positions,
it reports not ready and search answers 503. Requests and the thread
share the index under one lock; the thread is its only writer. When many listings were added
since the load (they are searchable at once, but outside the load's name order), the thread
builds a fresh index from what it holds and swaps it in.
"""
import contextlib
import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from directory.adapters.decision_log import DecisionLog
from directory.adapters.listings import ListingRepository
from directory.domain.listing import NotADecision, apply_decision, registration_number_of
from directory.domain.search_index import SearchIndex
from eventkit.mongo import close_clients
from eventkit.position import Position

log = logging.getLogger(__name__)
READ_AHEAD_BATCH = 2000


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused while a bulk load allocates millions of objects
    that all stay alive, then moved out of its sight (gc.freeze).

    Without it the collector runs a full pass each time allocations outgrow the last one, and
    each pass walks everything loaded so far: at 100k listings that was 45 % of the load
    (13.9 s with it, 7.5 s without, side by side on this machine). Nothing loaded is a cycle,
    so reference counting still frees it all when the index is replaced. Frozen objects are also
    left alone by later passes, which would otherwise touch (and so copy) the pages gunicorn's
    workers share with the master that loaded them."""
    was_enabled = gc.isenabled()
    gc.collect()  # the garbage so far freed, not frozen (cheap now; a pass after the load costs 1.2 s)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def read_ahead(documents: Iterable[dict]) -> Iterator[dict]:
    """`documents`, read by a thread of their own a few batches ahead: the database's work on the
    next batches overlaps the caller's work on this one (a web process's load at start)."""
    batches: queue.Queue = queue.Queue(maxsize=8)
    done = object()

    def read():
        try:
            batch = []
            for document in documents:
                batch.append(document)
                if len(batch) >= READ_AHEAD_BATCH:
                    batches.put(batch)
                    batch = []
            batches.put(batch)
            batches.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
            batches.put(exc)

    threading.Thread(target=read, name="search-feed-read-ahead", daemon=True).start()
    while (batch := batches.get()) is not done:
        if isinstance(batch, BaseException):
            raise batch
        yield from batch


class SearchFeed:
    RELOAD_CHECK_SECONDS = 30  # how often a process asks whether an operator rebuilt the listings
    # A worker forked long after the master's load (gunicorn replaces a worker that died or timed out,
    # weeks later) loads the collection itself rather than reading every decision since from the topic.
    PRELOAD_FRESH_SECONDS = 300

    def __init__(self, topic: str, listings: Callable[[], ListingRepository],
                 open_decisions: Callable[[], DecisionLog]):
        self.topic = topic
        self.listings = listings  # called in the thread: the database client is made after fork
        self.open_decisions = open_decisions
        self.index = SearchIndex()
        self.lock = threading.Lock()
        self.caught_up = threading.Event()
        self.states: dict[str, dict] = {}  # registration number -> its listing (listed or not, revoked or not)
        self.approved_months: dict[str, str] = {}  # registration number -> "YYYY-MM" of approval
        self.positions: dict[int, int] = {}  # partition -> next offset to read
        self.loaded = False  # the collection has been loaded; after a broker error only the topic is re-read
        self.preloaded_at: float | None = None  # monotonic time of load_before_fork's load (the master's)
        self.rebuilt_at: str | None = None  # the listings' last rebuild when they were loaded
        self.load_seconds: dict[str, float] = {}  # the last load's steps (positions, scan, index), for logs and bench
        self._thread = threading.Thread(target=self._run, name="search-feed", daemon=True)

    def load_before_fork(self, wait_seconds: float = 60) -> bool:
        """Load the index in gunicorn's master (WEB_PRELOAD=1), before it forks the workers; the clients
        used are closed before returning, so none crosses the fork. If the topic or the database cannot
        be reached within `wait_seconds`, it logs why and returns False: each worker then loads its own."""
        decisions = None
        try:
            decisions = self.open_decisions()
            deadline = time.monotonic() + wait_seconds
            while not decisions.open(wait_seconds=1).partitions:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no partitions of {self.topic} after {wait_seconds} s")
            self.load(self.listings(), [tp.partition for tp in decisions.partitions])
            self.loaded, self.preloaded_at = True, time.monotonic()
        except Exception:  # noqa: BLE001 - the workers can still load for themselves
            log.exception("search index not loaded before the fork; each worker loads its own")
        finally:
            if decisions is not None:
                decisions.close()
            close_clients()
        return self.loaded

    def start(self) -> "SearchFeed":
        """Start the thread (in the serving process). A preload older than PRELOAD_FRESH_SECONDS is dropped:
        this process loads the collection itself, so a worker forked months after its master does not
        read months of decisions from the topic."""
        if self.preloaded_at is not None and time.monotonic() - self.preloaded_at > self.PRELOAD_FRESH_SECONDS:
            self.loaded = False
        self._thread.start()
        return self

    # -- filling the index ------------------------------------------------------------------
    def load(self, listings: ListingRepository, partitions: list[int]) -> int:
        """Fill a new index from the collection and swap it in (the old one serves meanwhile).

        Positions first, then the listings: whatever a listing written during the scan came from
        lies past those positions and is read again from the topic (order-safe, so harmless)."""
        timings = {}
        started = time.monotonic()
        rebuilt_at = listings.last_rebuilt()
        positions = listings.positions(self.topic, partitions)
        timings["positions"] = time.monotonic() - started
        states = {}

        def remembered(stream):
            for listing in stream:
                states[listing["_id"]] = listing
                yield listing
        index = SearchIndex()
        with collector_paused():
            index.load(remembered(read_ahead(listings.all_for_search())))
        timings["scan and index"] = time.monotonic() - started - timings["positions"]
        months = {number: listing.get("approved_at", "")[:7] for number, listing in states.items()}
        with self.lock:
            self.index, self.states, self.approved_months, self.positions = index, states, months, positions
            self.rebuilt_at = rebuilt_at
        self.load_seconds = {step: round(seconds, 2) for step, seconds in timings.items()}
        log.info("search index loaded %d listings: positions %.1f s, scan and index %.1f s", len(states),
                 timings["positions"], timings["scan and index"])
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

    def compact(self) -> None:
        """Give the listings added since the load their place in name order: a fresh index from the
        states this thread holds (it is their only writer, so it reads them without the lock)."""
        index = SearchIndex()
        with collector_paused():
            index.load(self.states.values())
        with self.lock:
            self.index = index

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
        decisions = self.open_decisions()
        listings = self.listings()
        try:
            while not decisions.open(wait_seconds=1).partitions:
                pass
            if not self.loaded:
                self.load(listings, [tp.partition for tp in decisions.partitions])
                self.loaded = True
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
                if self.index.needs_compacting():
                    self.compact()
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.RELOAD_CHECK_SECONDS
                    if listings.last_rebuilt() != self.rebuilt_at:
                        log.info("the listings were rebuilt: reloading the search index from them")
                        self.loaded = False
                        return
        finally:
            decisions.close()
