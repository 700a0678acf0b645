"""Registration numbers: one sequence per year in `registration_counters`, one atomic increment per number.

The counter is created by the year's first approval, an upsert by `_id`: several workers may race to
create it, which DocumentDB gets wrong for a bare `{"_id": …}` filter (it loses increments, and two
approvals would get the same number), so it goes through eventkit.upserts.upsert_by_id.
tests/integration/verification/test_registration_numbers.py draws numbers from several threads at once.
"""
from pymongo.collection import Collection
from pymongo.database import Database

from eventkit.upserts import upsert_by_id

COLLECTION = "registration_counters"


class RegistrationNumbers:
    def __init__(self, db: Database):
        self.counters: Collection = db[COLLECTION]

    def next(self, year: int) -> int:
        """The year's next sequence number (1, 2, 3, …), never handed out twice."""
        return self.next_block(year, 1)

    def next_block(self, year: int, count: int) -> int:
        """The first of the year's next `count` sequence numbers, all reserved by one increment."""
        counter = upsert_by_id(self.counters, f"year-{year}", {"$inc": {"last": count}}, return_after=True)
        return counter["last"] - count + 1
