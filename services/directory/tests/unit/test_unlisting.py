"""The registrant un-lists themselves and lists themselves again (RegistrationUnlisted / RegistrationRelisted from
verification): search, profiles, statistics and the open data leave the registration out, then show it again;
verify and the partners' bulk check answer for the number as before; an older event never overrides a newer one;
the web's search index, the worker's listings and a rebuild from the topic all end the same."""
import io

from directory.domain.listing import apply_decision
from directory.entrypoints.search_feed import SearchFeed
from directory.service_layer import queries
from directory.service_layer.handlers import HANDLERS, handle_decision
from directory.service_layer.open_data import publish_snapshot
from directory.service_layer.rebuild import rebuild
from eventkit.position import Position

from .test_open_data import FakeStore, Listings
from .test_projection_and_rebuild import FakeDecisionLog
from .test_projection_and_rebuild import FakeListings as RebuildListings
from .test_service_layer import QUERY, TODAY, a_number, approval, reinstatement, revocation

TOPIC = "verification.events"


def unlisted(number, at):
    return {"event_type": "RegistrationUnlisted", "occurred_at": at, "key": f"app-{number}",
            "payload": {"application_id": f"app-{number}", "registration_number": number}}


def relisted(number, at):
    return {**unlisted(number, at), "event_type": "RegistrationRelisted"}


def feed_of(*events) -> SearchFeed:
    """A web process's search feed that has applied `events` (no topic, no database: its in-memory side only)."""
    feed = SearchFeed(TOPIC, listings=lambda: None, open_decisions=lambda: None)
    feed.caught_up.set()
    for offset, envelope in enumerate(events):
        feed.apply(Position(TOPIC, 0, offset), envelope)
    return feed


def found(feed, q="ayesha"):
    return [item["registration_number"] for item in queries.search(feed, {**QUERY, "q": q}, TODAY)["items"]]


def test_both_events_are_in_the_table():
    assert {"RegistrationUnlisted", "RegistrationRelisted"} <= set(HANDLERS)


def test_an_unlisted_registration_leaves_search_profile_and_statistics_but_verify_still_answers():
    number, other = a_number(21), a_number(22)
    listings = Listings()
    events = [approval(number, "2026-01-01T00:00:00.000Z"),
              approval(other, "2026-01-02T00:00:00.000Z", name="Ayesha Raza"),
              unlisted(number, "2026-02-01T00:00:00.000Z")]
    for envelope in events:
        handle_decision(listings, envelope, None)
    feed = feed_of(*events)
    assert listings.docs[number]["listed"] is False
    assert found(feed) == [other]
    assert queries.stats(feed)["listed"] == 1
    assert queries.find_listed(listings, number, TODAY) is None
    answer = queries.verification_of(listings, number, TODAY)
    assert (answer["valid"], answer["status"], answer["full_name"]) == (True, "valid", "Ayesha Khan")
    assert [v["status"] for v in queries.verifications_of(listings, [number, other], TODAY)] == ["valid", "valid"]

    store = FakeStore()
    publish_snapshot(listings, store, TODAY, out=io.StringIO())
    assert number not in store.files["listings.csv"].decode() and other in store.files["listings.csv"].decode()
    assert number not in store.files["listings.json"].decode()


def test_relisting_brings_it_back_and_an_older_event_never_overrides_a_newer_one():
    number = a_number(23)
    listings = Listings()
    events = [approval(number, "2026-01-01T00:00:00.000Z"), unlisted(number, "2026-02-01T00:00:00.000Z"),
              relisted(number, "2026-02-02T00:00:00.000Z")]
    for envelope in events:
        handle_decision(listings, envelope, None)
    feed = feed_of(*events)
    assert listings.docs[number]["listed"] is True and found(feed) == [number]
    assert queries.find_listed(listings, number, TODAY)["status"] == "valid"

    late = unlisted(number, "2026-02-01T00:00:00.000Z")  # redelivered, older than the re-listing
    handle_decision(listings, late, None)
    feed.apply(Position(TOPIC, 0, 9), late)
    assert listings.docs[number]["listed"] is True and found(feed) == [number]
    handle_decision(listings, approval(number, "2026-01-01T00:00:00.000Z", listed=True), None)  # a replayed issue
    handle_decision(listings, unlisted(number, "2026-03-01T00:00:00.000Z"), None)
    handle_decision(listings, approval(number, "2026-01-01T00:00:00.000Z", listed=True), None)  # replayed again
    assert listings.docs[number]["listed"] is False


def test_the_choice_survives_a_revocation_and_reinstatement_and_a_renewal_carries_the_choice_it_names():
    number = a_number(24)
    listings = Listings()
    for envelope in (approval(number, "2026-01-01"), unlisted(number, "2026-01-02"), revocation(number, "2026-01-03"),
                     reinstatement(number, "2026-01-04")):
        handle_decision(listings, envelope, None)
    assert listings.docs[number]["listed"] is False and queries.verification_of(listings, number, TODAY)["valid"]
    renewed = {**approval(number, "2026-01-05", listed=False), "event_type": "RegistrationRenewed"}
    handle_decision(listings, renewed, None)  # verification keeps the choice on the case: the renewal names it
    assert listings.docs[number]["listed"] is False


def test_an_unlisting_of_a_registration_the_directory_does_not_hold_changes_nothing():
    listings = Listings()
    handle_decision(listings, unlisted(a_number(25), "2026-01-01"), None)
    assert listings.docs == {}
    assert apply_decision(None, unlisted(a_number(25), "2026-01-01")) is None


def test_a_rebuild_from_the_topic_reproduces_the_flag():
    shown, hidden = a_number(26), a_number(27)
    events = [approval(shown, "2026-01-01"), approval(hidden, "2026-01-01"), unlisted(shown, "2026-01-02"),
              unlisted(hidden, "2026-01-02"), relisted(shown, "2026-01-03")]
    live = RebuildListings([apply_decision(None, events[0]), apply_decision(None, events[1])])  # the worker lagged
    rebuild(live, RebuildListings(), FakeDecisionLog(events), out=io.StringIO())
    assert (live.docs[shown]["listed"], live.docs[hidden]["listed"]) == (True, False)
