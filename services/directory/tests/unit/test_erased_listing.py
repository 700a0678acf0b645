"""A registration erased after its legal retention (verification's ErasureCompleted): the listing keeps its
number and how it ended, and nothing else; out of search and profiles; an erasure of an application that was
never registered changes nothing."""
from directory.domain.listing import public_view
from directory.service_layer import queries
from directory.service_layer.handlers import handle_decision

from .test_service_layer import TODAY, FakeListings, a_number, approval, revocation


def erased(number, at):
    return {"event_type": "ErasureCompleted", "occurred_at": at, "key": f"app-{number}",
            "payload": {"application_id": f"app-{number}", "service": "verification", "registration_number": number}}


def test_an_erased_registration_keeps_its_number_and_standing_only():
    listings, number = FakeListings(), a_number(31)
    handle_decision(listings, approval(number, "2016-01-01", name="Ayesha Khan"), None)
    handle_decision(listings, revocation(number, "2017-01-01"), None)
    handle_decision(listings, erased(number, "2027-06-01"), None)
    listing = listings.docs[number]
    assert "Ayesha" not in str(public_view(listing, TODAY)) and listing["platforms"] == []
    verdict = queries.verification_of(listings, number, TODAY)
    assert verdict["status"] == "revoked" and verdict["full_name"] == ""
    assert queries.find_listed(listings, number, TODAY) is None


def test_an_erasure_without_a_registration_changes_no_listing():
    listings = FakeListings()
    handle_decision(listings, {**erased(None, "2027-06-01"), "key": "app-x"}, None)
    assert listings.docs == {}
