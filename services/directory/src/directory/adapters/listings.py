"""The public listings read model: one document per registration number in `listings`.

Order-safe: every write carries the time of the event it comes from and only replaces a
listing built from an older or the same event, so a late or replayed event never undoes a
newer one and the same event applied twice gives the same listing. Each listing also
records, in the same write, the topic position of that event (`source`), so readers can
follow the topic from where the collection stands (`positions`).
"""
from collections.abc import Iterable, Iterator

from pymongo import DESCENDING, ReplaceOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from eventkit.upserts import by_id_for_upsert, upsert_by_id

COLLECTION = "listings"
META = "listings_meta"  # small documents about the collection: when it was last rebuilt
DUPLICATE_KEY = 11000
SEARCH_FIELDS = {field: 1 for field in ("registration_number", "full_name", "city", "province", "skills", "platforms",
                                        "headline", "listed", "revoked", "expired", "valid_until", "approved_at",
                                        "last_event_at")}


class ListingRepository:
    def __init__(self, db: Database, collection: str = COLLECTION):
        self.db = db
        self.collection: Collection = db[collection]

    # -- reading ------------------------------------------------------------------------------
    def get(self, registration_number: str) -> dict | None:
        return self.collection.find_one({"_id": registration_number})

    def get_many(self, registration_numbers: Iterable[str]) -> dict[str, dict]:
        numbers = list(registration_numbers)
        if not numbers:
            return {}
        return {doc["_id"]: doc for doc in self.collection.find({"_id": {"$in": numbers}})}

    def all(self, batch_size: int = 2000) -> Iterator[dict]:
        """Every listing, in no particular order (a rebuild's carry-over)."""
        return self.collection.find({}, batch_size=batch_size)

    def all_for_search(self, batch_size: int = 10_000) -> Iterator[dict]:
        """Every listing with only what search and the projection rules read (a web process's
        start: leaving out the internal fields makes the scan of 100k listings a third faster)."""
        return self.collection.find({}, SEARCH_FIELDS, batch_size=batch_size)

    def count(self) -> int:
        return self.collection.count_documents({})

    def positions(self, topic: str, partitions: Iterable[int]) -> dict[int, int]:
        """partition -> the offset after the newest event of `topic` that a stored listing comes from.

        Every event of a partition before that offset is reflected in the collection (the worker
        handles a partition in order), so a reader that loads the collection *after* asking for
        these positions and then reads the topic from them misses nothing. A partition no listing
        comes from is left out (read it from its beginning)."""
        found = {}
        for partition in partitions:
            newest = self.collection.find_one({"source.topic": topic, "source.partition": partition},
                                              {"source": 1}, sort=[("source.offset", DESCENDING)])
            if newest is not None:
                found[partition] = int(newest["source"]["offset"]) + 1
        return found

    # -- the worker's writes ------------------------------------------------------------------
    def store_unless_newer(self, listing: dict) -> bool:
        """Store `listing` unless the stored one comes from a newer event."""
        replaced = self.collection.replace_one(
            {"_id": listing["_id"], "last_event_at": {"$lte": listing["last_event_at"]}}, listing)
        if replaced.matched_count:
            return True
        try:
            self.collection.insert_one(listing)
            return True
        except DuplicateKeyError:
            return False  # a listing from a newer event is already there

    def mark_unless_newer(self, registration_number: str, fields: dict, occurred_at: str,
                          source: dict | None) -> bool:
        """Set `fields` (revoked, expired, reinstated, un-listed: domain.listing.standing_change) on the listing
        unless the stored listing comes from a newer event."""
        return self.collection.update_one(
            {"_id": registration_number, "last_event_at": {"$lte": occurred_at}},
            {"$set": {**fields, "last_event_at": occurred_at, "source": source}}).matched_count == 1

    # -- a rebuild's writes -------------------------------------------------------------------
    # One bulk write per batch, however large: DocumentDB takes a bulk of 1,000 conditional
    # replacements in 0.08 s (measured here), so a rebuild's batches need no splitting.
    def replace_all(self, listings: list[dict]) -> None:
        """Write these listings as they are (a staging copy, which only the rebuild writes)."""
        if listings:
            self.collection.bulk_write([ReplaceOne(by_id_for_upsert(doc["_id"]), doc, upsert=True)
                                        for doc in listings], ordered=False)

    def store_all_unless_newer(self, listings: list[dict]) -> int:
        """`store_unless_newer` for many at once; returns how many were written."""
        if not listings:
            return 0
        requests = [ReplaceOne({"_id": doc["_id"], "last_event_at": {"$lte": doc["last_event_at"]}}, doc,
                               upsert=True) for doc in listings]
        try:
            result = self.collection.bulk_write(requests, ordered=False)
            return result.matched_count + result.upserted_count
        except BulkWriteError as exc:
            # a newer listing is stored: its upsert collided with it, which is the wanted outcome
            if any(error["code"] != DUPLICATE_KEY for error in exc.details["writeErrors"]):
                raise
            return exc.details["nMatched"] + exc.details["nUpserted"]

    def drop(self) -> None:
        self.collection.drop()

    # -- the rebuild's mark -------------------------------------------------------------------
    def mark_rebuilt(self, at: str) -> None:
        """Note that an operator's rebuild published into this collection (web processes reload)."""
        upsert_by_id(self.db[META], f"{self.collection.name}:rebuilt", {"$set": {"at": at}})

    def last_rebuilt(self) -> str | None:
        mark = self.db[META].find_one({"_id": f"{self.collection.name}:rebuilt"})
        return mark["at"] if mark else None
