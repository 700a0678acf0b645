"""Applications their applicant is still checking ("check your answers", before sending): the form's
answers, sealed like all personal data at rest, and the attached files, one document each (a draft holds up
to three files of a few megabytes: kept apart, no document comes near Mongo's 16 MB limit).

A draft lives an hour: the server deletes it after that (a TTL index on `created_at`, adapters/indexes.py),
or intake does as soon as it is sent."""
import datetime as dt

from bson.binary import Binary
from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.database import Database

from intake.domain.drafts import LIFETIME
from servicekit.crypto import Sealer

COLLECTION = "drafts"
INDEXES = [IndexModel([("created_at", ASCENDING)], name="drafts_expire",
                      expireAfterSeconds=int(LIFETIME.total_seconds())),
           IndexModel([("draft_id", ASCENDING)], name="draft_files", sparse=True)]


class DraftStore:
    def __init__(self, db: Database, sealer: Sealer):
        self.drafts: Collection = db[COLLECTION]
        self.sealer = sealer

    def keep(self, draft_id: str, answers: dict, files: dict[str, tuple[str, bytes]], at: dt.datetime) -> None:
        """Store a new draft: the answers and each attached file, sealed."""
        for kind, (content_type, content) in files.items():
            self.drafts.insert_one({"_id": f"{draft_id}:{kind}", "draft_id": draft_id, "kind": kind,
                                    "content_type": content_type, "created_at": at,
                                    "content": Binary(self.sealer.seal_bytes(content).encode())})
        self.drafts.insert_one({"_id": draft_id, "answers": self.sealer.seal(answers), "kinds": sorted(files),
                                "created_at": at})

    def find(self, draft_id: str, not_before: dt.datetime) -> tuple[dict, dict[str, tuple[str, bytes]]] | None:
        """The draft's answers and files, or None when there is none, or it is older than `not_before` (the
        server's TTL sweep runs once a minute, so an expired draft may still be stored for a while)."""
        head = self.drafts.find_one({"_id": draft_id, "created_at": {"$gte": not_before}})
        if head is None:
            return None
        files = {}
        for stored in self.drafts.find({"draft_id": draft_id}):
            files[stored["kind"]] = (stored["content_type"],
                                     self.sealer.unseal_bytes(bytes(stored["content"]).decode()))
        return self.sealer.unseal(head["answers"]), files

    def discard(self, draft_id: str) -> None:
        self.drafts.delete_many({"$or": [{"_id": draft_id}, {"draft_id": draft_id}]})
