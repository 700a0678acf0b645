"""Where the open data's files live: GridFS in the directory's database (bucket `open_data`), one file per name and
day, with its SHA-256, size and row count in its metadata. Every web process serves the same files; a day's run
that is repeated replaces that day's files; only the newest KEPT days are kept."""
import datetime as dt
import hashlib

import gridfs
from pymongo.database import Database

BUCKET = "open_data"
KEPT = 7  # days of snapshots kept


class OpenDataStore:
    def __init__(self, db: Database):
        self.db = db
        self.bucket = gridfs.GridFSBucket(db, bucket_name=BUCKET)
        self.files = db[f"{BUCKET}.files"]

    def writer(self, name: str, day: str, content_type: str) -> "SnapshotWriter":
        return SnapshotWriter(self, name, day, content_type)

    def latest_day(self) -> str | None:
        newest = self.files.find_one({"metadata.complete": True}, {"metadata.day": 1},
                                     sort=[("metadata.day", -1)])
        return newest["metadata"]["day"] if newest else None

    def files_of(self, day: str) -> list[dict]:
        """The day's complete files: name, content type, size, SHA-256, rows, when written."""
        return [{"name": f["filename"], **f["metadata"], "bytes": f["length"], "uploaded_at": f["uploadDate"]}
                for f in self.files.find({"metadata.day": day, "metadata.complete": True}).sort("filename", 1)]

    def open(self, day: str, name: str):
        """(metadata, a stream of the file) of the day's file, or None."""
        found = self.files.find_one({"filename": name, "metadata.day": day, "metadata.complete": True})
        if found is None:
            return None
        return {**found["metadata"], "bytes": found["length"]}, self.bucket.open_download_stream(found["_id"])

    def keep_newest(self, days: int = KEPT) -> int:
        """Delete the files of all but the newest `days` days; how many files."""
        kept = sorted({f["metadata"]["day"] for f in self.files.find({}, {"metadata.day": 1})}, reverse=True)[:days]
        old = list(self.files.find({"metadata.day": {"$nin": kept}}, {"_id": 1}))
        for f in old:
            self.bucket.delete(f["_id"])
        return len(old)


class SnapshotWriter:
    """Streams one file into GridFS, hashing as it goes; only `finish` makes it visible (metadata.complete),
    replacing the same day's earlier file of that name."""

    def __init__(self, store: OpenDataStore, name: str, day: str, content_type: str):
        self.store, self.name, self.day, self.content_type = store, name, day, content_type
        self.sha256, self.rows = hashlib.sha256(), 0
        self.stream = store.bucket.open_upload_stream(name, metadata={"day": day, "complete": False,
                                                                     "content_type": content_type})

    def write(self, text: str, rows: int = 0) -> None:
        data = text.encode()
        self.sha256.update(data)
        self.stream.write(data)
        self.rows += rows

    def finish(self) -> dict:
        self.stream.close()
        file_id = self.stream._id
        earlier = [f["_id"] for f in self.store.files.find({"filename": self.name, "metadata.day": self.day,
                                                            "_id": {"$ne": file_id}}, {"_id": 1})]
        metadata = {"day": self.day, "complete": True, "content_type": self.content_type,
                    "sha256": self.sha256.hexdigest(), "rows": self.rows,
                    "finished_at": dt.datetime.now(dt.timezone.utc)}
        self.store.files.update_one({"_id": file_id}, {"$set": {"metadata": metadata}})
        for old in earlier:
            self.store.bucket.delete(old)
        return {"name": self.name, **metadata}
