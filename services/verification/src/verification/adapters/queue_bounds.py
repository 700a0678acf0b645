"""Where the reviewers' queue may stop looking: an upper bound on `received_at` for a list's next page, so the
database sorts a few dozen cases instead of every one waiting.

The queue lists cases oldest first, `limit` at a time, through the (state, received_at, _id) index. The pinned
DocumentDB does not take a sort from an index's order: for the first page of 10,000 pending cases it fetched and
sorted all of them (167 ms here; docs/architecture.md, "The reviewers' queue"). A query bounded above,
`received_at <= B`, fetches only the cases up to B. Its answer is right whenever it holds `limit` cases: every
case it did not return was received after B, so after all of those. When it holds fewer (cases were decided
since, or B was a guess), the page is read unbounded, as before, and B is learnt again. So a bound can make a
page faster but never wrong, and nothing is kept that must be kept in step with the cases.

What is remembered, per process and per list (the filters, without the clock): for the first page, the
`received_at` of the case HEAD pages down the list the last time it was read unbounded (a few reviewers
deciding cases empty that window only slowly); for a later page, the list's density (seconds between cases),
from which a bound a few pages past the cursor is guessed. Searches have indexes of their own and need none.
"""
import collections
import dataclasses
import datetime as dt

from verification.domain.queue import QueueFilter

HEAD = 3  # the first page's bound sits this many pages down the list
AHEAD = 4  # a later page's bound is guessed this many pages past its cursor
REMEMBERED = 1000  # lists remembered per process (each a tuple of filters and two numbers)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclasses.dataclass
class ListShape:
    head_bound: dt.datetime | None  # received_at of the case HEAD pages down, at the last unbounded read
    seconds_per_case: float | None  # the list's density then


class QueueBounds:
    def __init__(self, remembered: int = REMEMBERED):
        self.remembered = remembered
        self._shapes: collections.OrderedDict[tuple, ListShape] = collections.OrderedDict()

    @staticmethod
    def key(wanted: QueueFilter) -> tuple:
        """The list a page belongs to: its filters, without the clock (a waiting-time filter only as a flag)."""
        return dataclasses.astuple(dataclasses.replace(wanted, now=_EPOCH, received_before=None)) + (
            wanted.received_before is not None,)

    def first_page_bound(self, wanted: QueueFilter) -> dt.datetime | None:
        shape = self._shapes.get(self.key(wanted))
        return None if shape is None else shape.head_bound

    def later_page_bound(self, wanted: QueueFilter, after_received_at: dt.datetime, limit: int) -> dt.datetime | None:
        shape = self._shapes.get(self.key(wanted))
        if shape is None or shape.seconds_per_case is None:
            return None
        return after_received_at + dt.timedelta(seconds=shape.seconds_per_case * limit * AHEAD + 1)

    def learn(self, wanted: QueueFilter, head: list[dict], first_page: bool) -> None:
        """Remember the list's shape from cases read unbounded, in order (`head`: up to HEAD pages of them)."""
        if len(head) < 2:
            return
        key = self.key(wanted)
        shape = self._shapes.pop(key, ListShape(None, None))
        span = (head[-1]["received_at"] - head[0]["received_at"]).total_seconds()
        shape.seconds_per_case = max(span / (len(head) - 1), 0.001)
        if first_page:
            shape.head_bound = head[-1]["received_at"]
        self._shapes[key] = shape
        while len(self._shapes) > self.remembered:
            self._shapes.popitem(last=False)
