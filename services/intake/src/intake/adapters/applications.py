"""Where applications live: one document per application in intake's `applications`
collection, carrying its own outbox (eventkit.outbox), and the CNIC claims that make a
CNIC usable by one active application at a time."""
import datetime as dt

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox

COLLECTION = "applications"
CLAIMS = "cnic_claims"
# A claim whose application never got written (the writer died in between) is free after this.
ORPHAN_CLAIM_SECONDS = 60


class ApplicationRepository:
    def __init__(self, db: Database):
        self.applications: Collection = db[COLLECTION]
        self.claims: Collection = db[CLAIMS]

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
        now = dt.datetime.now(dt.timezone.utc)
        try:
            self.claims.insert_one({"_id": cnic_index, "application_id": application_id, "claimed_at": now})
            return True
        except DuplicateKeyError:
            pass
        claim = self.claims.find_one({"_id": cnic_index})
        if claim is None:
            return False  # released this instant; the applicant can simply retry
        holder = self.get(claim["application_id"], {"status": 1})
        if holder is not None and holder["status"] in holds_cnic:
            return False
        if holder is None and (now - claim["claimed_at"]).total_seconds() < ORPHAN_CLAIM_SECONDS:
            return False  # its application is being written right now
        taken = self.claims.find_one_and_update(
            {"_id": cnic_index, "application_id": claim["application_id"]},
            {"$set": {"application_id": application_id, "claimed_at": now}})
        return taken is not None

    def release_cnic(self, cnic_index: str, application_id: str) -> None:
        self.claims.delete_one({"_id": cnic_index, "application_id": application_id})
