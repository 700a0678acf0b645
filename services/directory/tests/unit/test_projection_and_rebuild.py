"""The directory's projection rules and its rebuild, against fakes of the listings and the topic."""
import io

from directory.domain.listing import apply_decision
from directory.domain.search_index import SearchIndex
from directory.service_layer.rebuild import rebuild
from eventkit.position import Position

TOPIC = "verification.events"


def approval(number, at, name="Ayesha Khan", listed=True):
    return {"event_type": "ApplicationApproved", "occurred_at": at, "key": f"app-{number}",
            "payload": {"registration_number": number, "valid_until": "2099-01-01", "approved_at": at,
                        "listed": listed,
                        "profile": {"full_name": name, "city": "Lahore", "province": "Punjab", "skills": ["python"],
                                    "platforms": [], "headline": "Developer"}}}


def revocation(number, at):
    return {"event_type": "RegistrationRevoked", "occurred_at": at, "key": f"app-{number}",
            "payload": {"registration_number": number}}


def test_an_older_event_changes_nothing_and_the_same_event_again_gives_the_same_listing():
    newer = apply_decision(None, approval("N1", "2026-02-01"), {"partition": 0, "offset": 5})
    assert apply_decision(newer, approval("N1", "2026-01-01")) is None
    assert apply_decision(newer, approval("N1", "2026-02-01"), {"partition": 0, "offset": 5}) == newer
    revoked = apply_decision(newer, revocation("N1", "2026-03-01"), {"partition": 0, "offset": 9})
    assert revoked["revoked"] and revoked["source"] == {"partition": 0, "offset": 9}
    assert apply_decision(revoked, approval("N1", "2026-02-01")) is None  # a replayed approval does not undo it


def test_events_that_concern_no_registration_change_nothing():
    assert apply_decision(None, {"event_type": "ApplicationFlagged", "occurred_at": "x", "payload": {}}) is None
    assert apply_decision(None, revocation("N9", "2026-01-01")) is None


class FakeListings:
    """ListingRepository's methods the rebuild uses, over a dict."""

    def __init__(self, docs=()):
        self.docs = {d["_id"]: dict(d) for d in docs}

    def count(self):
        return len(self.docs)

    def all(self):
        return [dict(d) for d in self.docs.values()]

    def get_many(self, numbers):
        return {n: dict(self.docs[n]) for n in numbers if n in self.docs}

    def replace_all(self, listings):
        for doc in listings:
            self.docs[doc["_id"]] = dict(doc)

    def store_all_unless_newer(self, listings):
        written = 0
        for doc in listings:
            stored = self.docs.get(doc["_id"])
            if stored is None or stored["last_event_at"] <= doc["last_event_at"]:
                self.docs[doc["_id"]] = dict(doc)
                written += 1
        return written

    def drop(self):
        self.docs = {}

    def mark_rebuilt(self, at):
        self.rebuilt_at = at


class FakeDecisionLog:
    """A one-partition topic whose records before `oldest` are gone (retention)."""

    def __init__(self, events, oldest=0):
        self.records = list(enumerate(events))
        self.oldest, self.at = oldest, oldest

    def seek(self, positions):
        self.at = positions.get(0, self.oldest)

    def beginnings(self):
        return {0: self.oldest}

    def ends(self):
        return {0: len(self.records)}

    def read_until(self, ends, batch=500):
        while self.at < ends[0]:
            chunk = [(Position(TOPIC, 0, o), e) for o, e in self.records[self.at:min(self.at + batch, ends[0])]]
            self.at += len(chunk)
            yield chunk


def test_rebuild_keeps_listings_whose_events_the_topic_no_longer_holds_and_rederives_the_rest():
    events = [approval("N1", "2026-01-01"), approval("N2", "2026-01-02"), approval("N3", "2026-01-03", name="Old"),
              approval("N3", "2026-01-04", name="New Name"), revocation("N2", "2026-01-05")]
    live = FakeListings([apply_decision(None, events[0], {"partition": 0, "offset": 0}),
                         apply_decision(None, events[1], {"partition": 0, "offset": 1}),
                         {**apply_decision(None, events[3], {"partition": 0, "offset": 3}), "full_name": "stale"}])
    staging = FakeListings()
    result = rebuild(live, staging, FakeDecisionLog(events, oldest=2), out=io.StringIO())
    assert result["listings"] == 3 and result["events"] == 3
    assert live.docs["N1"]["full_name"] == "Ayesha Khan"  # carried over: its approval is gone from the topic
    assert live.docs["N2"]["revoked"] is True  # the revocation the topic still holds applied
    assert live.docs["N3"]["full_name"] == "New Name"  # re-derived from the event, by today's rules
    assert staging.docs == {}  # the staging copy is dropped at the end
    assert live.rebuilt_at  # marked, so the web processes reload


def test_rebuild_never_overwrites_what_the_worker_stored_meanwhile():
    events = [approval("N1", "2026-01-01")]

    class WorkerWritesDuringReplay(FakeDecisionLog):
        def read_until(self, ends, batch=500):
            live.docs["N1"] = apply_decision(None, approval("N1", "2026-06-01", name="Renewed"))
            yield from super().read_until(ends, batch)

    live = FakeListings([apply_decision(None, events[0])])
    rebuild(live, FakeListings(), WorkerWritesDuringReplay(events), out=io.StringIO())
    assert live.docs["N1"]["full_name"] == "Renewed"


def test_loading_many_listings_at_once_gives_the_same_index_as_adding_them_one_by_one():
    listings = [apply_decision(None, approval(f"N{i}", "2026-01-01", name=name, listed=i % 3 != 0))
                for i, name in enumerate(["Zara Ali", "Ahmed Raza", "بلال خان", "Sana Mir", "Ali Zafar", "Omar Khan"])]
    one_by_one, at_once = SearchIndex(), SearchIndex()
    for listing in listings:
        one_by_one.put(listing)
    at_once.load(listings)
    assert at_once.vocabulary == one_by_one.vocabulary and len(at_once) == len(one_by_one) == 4
    assert at_once.search(q="a") == one_by_one.search(q="a")
