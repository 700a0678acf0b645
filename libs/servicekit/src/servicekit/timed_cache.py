"""A small thread-safe cache whose entries are good for a fixed time, bounded in size (cleared whole when full:
what it holds is cheap to fetch again). The data keys use it: fetched in bursts, dropped at once on erasure."""
import threading
import time
from collections.abc import Callable


class TimedCache:
    """Values by key, each good for `seconds` after it was fetched; at most `max_entries` of them."""

    def __init__(self, seconds: float, max_entries: int = 10_000):
        self.seconds, self.max_entries = seconds, max_entries
        self._entries: dict = {}
        self._lock = threading.Lock()

    def get(self, key, fetch: Callable[[], object]):
        """The value kept for `key` if younger than `seconds`, else `fetch()`, kept."""
        now = time.monotonic()
        with self._lock:
            kept = self._entries.get(key)
        if kept and now - kept[0] < self.seconds:
            return kept[1]
        value = fetch()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (now, value)
        return value

    def drop(self, matches: Callable[[object], bool]) -> None:
        """Forget every key `matches` accepts."""
        with self._lock:
            for key in [k for k in self._entries if matches(k)]:
                del self._entries[key]
