"""The daily open data through the service layer with an in-memory store: public fields only, listed and unrevoked
listings only, CSV and JSON holding the same rows, statistics of those in force, each file's SHA-256 of exactly its
bytes."""
import csv
import hashlib
import io
import json

from directory.service_layer.handlers import handle_decision
from directory.service_layer.open_data import publish_snapshot

from .test_service_layer import TODAY, FakeListings, a_number, approval, revocation


class Listings(FakeListings):
    def count(self):
        return len(self.docs)

    def all(self):
        return list(self.docs.values())


class FakeWriter:
    def __init__(self, store, name, day, content_type):
        self.store, self.name, self.day, self.content_type = store, name, day, content_type
        self.parts, self.rows = [], 0

    def write(self, text, rows=0):
        self.parts.append(text)
        self.rows += rows

    def finish(self):
        data = "".join(self.parts).encode()
        self.store.files[self.name] = data
        return {"name": self.name, "day": self.day, "sha256": hashlib.sha256(data).hexdigest(), "rows": self.rows}


class FakeStore:
    def __init__(self):
        self.files, self.kept = {}, None

    def writer(self, name, day, content_type):
        return FakeWriter(self, name, day, content_type)

    def keep_newest(self):
        self.kept = True


def test_the_snapshot_holds_the_public_listings_only_with_their_checksums():
    listings, store = Listings(), FakeStore()
    listed, unlisted, revoked, expired = a_number(1), a_number(2), a_number(3), a_number(4)
    for event in (approval(listed, "2026-03-01", name="عائشہ خان"), approval(unlisted, "2026-03-01", listed=False),
                  approval(revoked, "2026-03-01"), revocation(revoked, "2026-04-01"),
                  approval(expired, "2026-03-01", valid_until="2026-05-01")):
        handle_decision(listings, event, None)
    written = {w["name"]: w for w in publish_snapshot(listings, store, TODAY, out=io.StringIO())}
    rows = list(csv.DictReader(io.StringIO(store.files["listings.csv"].decode())))
    items = json.loads(store.files["listings.json"])
    assert [r["registration_number"] for r in rows] == [i["registration_number"] for i in items] == [listed, expired]
    assert rows[0]["full_name"] == "عائشہ خان" and rows[0]["status"] == "valid" and items[1]["status"] == "expired"
    assert set(items[0]) == {"registration_number", "full_name", "city", "province", "skills", "platforms",
                             "headline", "status", "valid_until"}  # nothing private: no email, no CNIC, no contact
    stats = json.loads(store.files["stats.json"])
    assert stats["listed"] == 2 and stats["in_force"] == 1 and stats["by_province"] == {"Punjab": 1}
    for name, data in store.files.items():
        assert written[name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert written["listings.csv"]["rows"] == 2 and store.kept
