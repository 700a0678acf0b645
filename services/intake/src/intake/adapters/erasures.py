"""Erasures of applications (domain/erasure.py), in intake's `applications` collection: the write that removes an
application's personal data and stores its ApplicationErased event, the services' completions, and what the
retention policy will erase next (found through the `status_1_updated_at_1` index)."""
import datetime as dt

from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database

from eventkit import outbox
from intake.adapters.applications import COLLECTION

# every field that holds or derives from personal data; what stays is the id, the status and its timeline (no
# personal data), the decision (the board's reasons and any registration number), and the erasure itself
PERSONAL_FIELDS = ("pii", "public", "cnic_index", "cnic_claim", "contact_index", "documents", "information_request",
                   "looks", "voucher", "renewal", "sign_in_code_sent_at")


class ErasureRepository:
    def __init__(self, db: Database):
        self.applications: Collection = db[COLLECTION]

    def start(self, application_id: str, statuses: tuple[str, ...], at: dt.datetime) -> dict | None:
        """Mark the application's erasure as begun, if its status is one of `statuses` and it is not erased; the
        application (id, status, erasure_started_at), or None. Begun, it is finished by any later attempt, and
        nothing reads its personal data any more (its keys are about to go)."""
        erasable = {"_id": application_id, "status": {"$in": list(statuses)}, "erasure": None}
        self.applications.update_one({**erasable, "erasure_started_at": None}, {"$set": {"erasure_started_at": at}})
        return self.applications.find_one({**erasable, "erasure_started_at": {"$ne": None}},
                                          {"status": 1, "erasure_started_at": 1})

    def finish(self, application_id: str, erasure: dict, event: dict, attempts: int = 5) -> dict | None:
        """Remove the begun erasure's personal fields and store `event`; the application after it (id, status,
        erasure), or None when it is not begun or is finished already. The outbox keeps the events still waiting
        for the relay (withdrawn, say: verification must still hear of it) and drops the published ones, which
        carried the applicant's data (sealed, or in clear in earlier versions)."""
        for _ in range(attempts):
            current = self.applications.find_one({"_id": application_id}, {"outbox": 1, "revision": 1})
            if current is None:
                return None
            done = self.applications.find_one_and_update(
                {"_id": application_id, "revision": current.get("revision"), "erasure": None,
                 "erasure_started_at": {"$ne": None}},
                outbox.replacing_sent_events({"$set": {"erasure": erasure, "updated_at": erasure["at"]},
                                              "$unset": {field: "" for field in PERSONAL_FIELDS}},
                                             current.get("outbox", []), [event]),
                projection={"status": 1, "erasure": 1, "updated_at": 1}, return_document=ReturnDocument.AFTER)
            if done is not None:
                return done
            if self.applications.count_documents({"_id": application_id, "erasure": None,
                                                  "erasure_started_at": {"$ne": None}}) == 0:
                return None  # finished by another attempt, or never begun
        raise RuntimeError(f"application {application_id}: its outbox kept changing during the erasure")

    def note_completion(self, application_id: str, service: str, at: dt.datetime) -> bool:
        """`service` has erased what it held of the application; False when it is not erased (or noted already)."""
        return self.applications.update_one(
            {"_id": application_id, "erasure": {"$ne": None}, f"erasure.completed_by.{service}": None},
            {"$set": {f"erasure.completed_by.{service}": at}}).modified_count == 1

    def ended_before(self, status: str, cutoff: dt.datetime, limit: int) -> list[dict]:
        """Applications of `status`, not erased, last changed before `cutoff`, the oldest first (id, status,
        updated_at)."""
        return list(self.applications.find({"status": status, "updated_at": {"$lt": cutoff}, "erasure": None},
                                           {"status": 1, "updated_at": 1}).sort("updated_at", 1).limit(limit))
