"""Uploaded documents, encrypted under their application's own record key, one document per (application, kind)
in `documents`.

A file is at most a few megabytes, far below Mongo's 16 MB document limit, so it is kept
whole rather than in GridFS chunks. A new upload of a kind replaces the old one."""
import datetime as dt

from bson.binary import Binary
from pymongo.collection import Collection
from pymongo.database import Database

from eventkit.upserts import upsert_by_id
from intake.domain.documents import KINDS
from servicekit.crypto import Keyring

COLLECTION = "documents"


class DocumentStore:
    def __init__(self, db: Database, sealer_for, keyring: Keyring):
        """`sealer_for(application_id)` seals under that application's key; `keyring` opens any stored file."""
        self.documents: Collection = db[COLLECTION]
        self.sealer_for, self.keyring = sealer_for, keyring

    def put(self, application_id: str, kind: str, content_type: str, content: bytes) -> dict:
        """Store (or replace) the application's document of `kind`, sealed; returns what is known of it."""
        info = {"kind": kind, "content_type": content_type, "size": len(content),
                "uploaded_at": dt.datetime.now(dt.timezone.utc)}
        sealed = self.sealer_for(application_id).seal_bytes(content).encode()
        # Every field is set each time, so this replaces the stored upload whole.
        upsert_by_id(self.documents, f"{application_id}:{kind}",
                     {"$set": {**info, "application_id": application_id, "content": Binary(sealed)}})
        return info

    def get(self, application_id: str, kind: str) -> tuple[dict, bytes] | None:
        stored = self.documents.find_one({"_id": f"{application_id}:{kind}"})
        if stored is None:
            return None
        content = self.keyring.unseal_bytes(bytes(stored.pop("content")).decode())
        return stored, content

    def delete_all_of(self, application_id: str) -> int:
        """Remove every document of the application (its erasure); how many there were."""
        ids = [f"{application_id}:{kind}" for kind in KINDS]
        return self.documents.delete_many({"_id": {"$in": ids}}).deleted_count
