"""Uploaded documents, encrypted, one document per (application, kind) in `documents`.

A file is at most a few megabytes, far below Mongo's 16 MB document limit, so it is kept
whole rather than in GridFS chunks. A new upload of a kind replaces the old one."""
import datetime as dt

from bson.binary import Binary
from pymongo.collection import Collection
from pymongo.database import Database

from eventkit.upserts import upsert_by_id
from servicekit.crypto import Sealer

COLLECTION = "documents"


class DocumentStore:
    def __init__(self, db: Database, sealer: Sealer):
        self.documents: Collection = db[COLLECTION]
        self.sealer = sealer

    def put(self, application_id: str, kind: str, content_type: str, content: bytes) -> dict:
        """Store (or replace) the application's document of `kind`, sealed; returns what is known of it."""
        info = {"kind": kind, "content_type": content_type, "size": len(content),
                "uploaded_at": dt.datetime.now(dt.timezone.utc)}
        sealed = self.sealer.seal_bytes(content).encode()
        # Every field is set each time, so this replaces the stored upload whole.
        upsert_by_id(self.documents, f"{application_id}:{kind}",
                     {"$set": {**info, "application_id": application_id, "content": Binary(sealed)}})
        return info

    def get(self, application_id: str, kind: str) -> tuple[dict, bytes] | None:
        stored = self.documents.find_one({"_id": f"{application_id}:{kind}"})
        if stored is None:
            return None
        content = self.sealer.unseal_bytes(bytes(stored.pop("content")).decode())
        return stored, content
