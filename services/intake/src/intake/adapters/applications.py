"""Where applications live: one document per application in intake's `applications`
collection, carrying its own outbox (eventkit.outbox), and the CNIC claims that make a
CNIC usable by one active application at a time.

A claim's `_id` is the CNIC's blind index, also kept as the application's `cnic_index`. The
`meta` collection's `cnic_index_recipe` document says which recipe those indexes were made
with (see service_layer/cnic_index.py); no document means the first recipe, or a fresh database."""
import datetime as dt

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox

COLLECTION = "applications"
CLAIMS = "cnic_claims"
META = "meta"
CNIC_INDEX_RECIPE = "cnic_index_recipe"  # the meta document: {_id, version, stamped_at, how}
# A claim whose application never got written (the writer died in between) is free after this.
ORPHAN_CLAIM_SECONDS = 60
# What move_cnic_claim did.
CLAIM_MOVED, NO_CLAIM, CLAIM_CONFLICT = "moved", "no claim", "conflict"


class ApplicationRepository:
    def __init__(self, db: Database):
        self.applications: Collection = db[COLLECTION]
        self.claims: Collection = db[CLAIMS]
        self.meta: Collection = db[META]

    def ensure_indexes(self) -> None:
        outbox.ensure_indexes(self.applications)
        self.applications.create_index([("cnic_index", ASCENDING)])

    def get(self, application_id: str, projection: dict | None = None) -> dict | None:
        return self.applications.find_one({"_id": application_id}, projection)

    def insert(self, document: dict, events: list[dict]) -> None:
        outbox.insert_with_events(self.applications, document, events)

    def update_if(self, application_id: str, condition: dict, update: dict, events: list[dict] = ()) -> bool:
        """Apply `update` (and store `events` with it) only while the document matches `condition`."""
        query = {"_id": application_id, **condition}
        return outbox.update_with_events(self.applications, query, update, list(events))

    def claim_cnic(self, cnic_index: str, application_id: str, holds_cnic: tuple[str, ...]) -> bool:
        """Reserve the CNIC for `application_id`; False when an active application already holds it."""
        return self._claim(cnic_index, application_id, holds_cnic, dt.datetime.now(dt.timezone.utc))

    def _claim(self, cnic_index: str, application_id: str, holds_cnic: tuple[str, ...],
               claimed_at: dt.datetime) -> bool:
        now = dt.datetime.now(dt.timezone.utc)
        try:
            self.claims.insert_one({"_id": cnic_index, "application_id": application_id, "claimed_at": claimed_at})
            return True
        except DuplicateKeyError:
            pass
        claim = self.claims.find_one({"_id": cnic_index})
        if claim is None:
            return False  # released this instant; the applicant can simply retry
        if claim["application_id"] == application_id:
            return True  # its own claim already (a re-key run again)
        holder = self.get(claim["application_id"], {"status": 1})
        if holder is not None and holder["status"] in holds_cnic:
            return False
        if holder is None and (now - claim["claimed_at"]).total_seconds() < ORPHAN_CLAIM_SECONDS:
            return False  # its application is being written right now
        taken = self.claims.find_one_and_update(
            {"_id": cnic_index, "application_id": claim["application_id"]},
            {"$set": {"application_id": application_id, "claimed_at": claimed_at}})
        return taken is not None

    def release_cnic(self, cnic_index: str, application_id: str) -> None:
        self.claims.delete_one({"_id": cnic_index, "application_id": application_id})

    # Re-keying the CNIC indexes to a new recipe (service_layer/cnic_index.py), safe while intake serves.

    def count(self) -> int:
        return self.applications.count_documents({})

    def cnic_indexes_after(self, after_id: str | None, limit: int) -> list[dict]:
        """The next `limit` applications by id after `after_id`: their id, status, `cnic_index` and sealed
        personal data (`pii`), nothing else. Short reads, so no cursor stays open for a whole run."""
        query = {} if after_id is None else {"_id": {"$gt": after_id}}
        return list(self.applications.find(query, {"status": 1, "cnic_index": 1, "pii": 1})
                    .sort("_id", ASCENDING).limit(limit))

    def move_cnic_claim(self, old_index: str, new_index: str, application_id: str,
                        holds_cnic: tuple[str, ...]) -> str:
        """Move `application_id`'s CNIC claim from `old_index` to `new_index`: the new claim is inserted (or
        taken over from an application that no longer holds the CNIC, as `claim_cnic` would) before the old
        one is deleted, each step conditioned on its owner, so the CNIC is never unclaimed in between and a
        run that stopped half-way, or runs again, finishes the move. Returns
        CLAIM_MOVED: the application's claim is under `new_index` (moved now, or before);
        NO_CLAIM: it has a claim under neither index (withdrawn: released; or never written);
        CLAIM_CONFLICT: another application that holds the CNIC has `new_index` already (two active
        applications with one CNIC: the old claim is left as it is, for an operator to resolve)."""
        old = self.claims.find_one({"_id": old_index, "application_id": application_id})
        if old is None:
            moved = self.claims.find_one({"_id": new_index, "application_id": application_id}, {"_id": 1})
            return CLAIM_MOVED if moved else NO_CLAIM
        if not self._claim(new_index, application_id, holds_cnic, old["claimed_at"]):
            return CLAIM_CONFLICT
        self.claims.delete_one({"_id": old_index, "application_id": application_id})
        return CLAIM_MOVED

    def replace_cnic_index(self, application_id: str, old_index: str | None, new_index: str) -> bool:
        """Set the application's `cnic_index` to `new_index` while it still is `old_index`; False otherwise."""
        result = self.applications.update_one({"_id": application_id, "cnic_index": old_index},
                                              {"$set": {"cnic_index": new_index}})
        return result.modified_count == 1

    def cnic_index_recipe_version(self) -> int | None:
        """The recipe version the stored CNIC indexes were made with; None when never stamped."""
        stamp = self.meta.find_one({"_id": CNIC_INDEX_RECIPE})
        return None if stamp is None else stamp["version"]

    def stamp_cnic_index_recipe(self, version: int, how: str) -> None:
        """Record that every stored CNIC index is made with recipe `version` (`how`: what established it)."""
        self.meta.update_one({"_id": CNIC_INDEX_RECIPE},
                             {"$set": {"version": version, "how": how, "stamped_at": dt.datetime.now(dt.timezone.utc)}},
                             upsert=True)

    def stamp_cnic_index_recipe_if_no_applications(self, version: int) -> bool:
        """On a database without applications (a fresh one), record recipe `version` unless a recipe is recorded
        already; False when applications exist (their indexes' recipe is not known from the data)."""
        if self.applications.find_one({}, {"_id": 1}) is not None:
            return False
        try:
            self.meta.insert_one({"_id": CNIC_INDEX_RECIPE, "version": version, "how": "fresh database",
                                  "stamped_at": dt.datetime.now(dt.timezone.utc)})
        except DuplicateKeyError:
            pass  # another process stamped it first
        return True
