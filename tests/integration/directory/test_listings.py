"""The listings repository on the real engine: order-safe writes, and a rebuild's batch of 1,000
written in one bulk command (DocumentDB needs no splitting)."""
from pymongo import monitoring

from directory.adapters.indexes import INDEXES
from directory.adapters.listings import ListingRepository
from directory.domain.listing import listing_from_approval
from eventkit.indexes import ensure_indexes


def listing(n: int, at: str, name: str = "Ayesha Khan") -> dict:
    return listing_from_approval({
        "event_type": "ApplicationApproved", "occurred_at": at, "key": f"app-{n}",
        "payload": {"registration_number": f"PSEB-2026-{n:06d}-A", "valid_until": "2099-01-01", "listed": True,
                    "profile": {"full_name": name, "city": "Lahore", "province": "Punjab", "skills": ["python"],
                                "platforms": [], "headline": "Developer"}}}, None)


class Commands(monitoring.CommandListener):
    def __init__(self):
        self.names = []

    def started(self, event):
        self.names.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def test_an_older_event_never_replaces_a_newer_listing(database):
    ensure_indexes(database, INDEXES)
    listings = ListingRepository(database)
    assert listings.store_unless_newer(listing(1, "2026-02-01", "New"))
    assert not listings.store_unless_newer(listing(1, "2026-01-01", "Old"))
    revoked = {"revoked": True, "revoked_on": "2026-03-01"}
    assert not listings.mark_unless_newer("PSEB-2026-000001-A", revoked, "2026-01-15", None)
    assert listings.get("PSEB-2026-000001-A")["full_name"] == "New"
    assert listings.mark_unless_newer("PSEB-2026-000001-A", revoked, "2026-03-01", None)
    assert listings.get("PSEB-2026-000001-A")["revoked"] is True


def test_a_batch_of_a_thousand_is_one_bulk_command_and_keeps_newer_listings(database, servers):
    from pymongo import MongoClient

    commands = Commands()
    client = MongoClient(servers.mongodb_uri, event_listeners=[commands])
    try:
        listings = ListingRepository(client[database.name])
        listings.store_unless_newer(listing(5, "2026-06-01", "Renewed"))
        commands.names.clear()
        written = listings.store_all_unless_newer([listing(n, "2026-01-01") for n in range(1000)])
        assert commands.names.count("update") == 1
        assert written == 999  # the newer listing 5 is kept
        assert listings.get("PSEB-2026-000005-A")["full_name"] == "Renewed"
        assert listings.count() == 1000
        listings.replace_all([{**listing(n, "2026-01-02"), "full_name": "Staged"} for n in range(1000)])
        assert listings.collection.count_documents({"full_name": "Staged"}) == 1000
    finally:
        client.close()
