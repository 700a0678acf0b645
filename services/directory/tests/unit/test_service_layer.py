"""The directory's service layer against a fake of its listings repository: the worker's handlers
(the event -> handler table) and the public queries (profile, registration-number check, search)."""
import datetime as dt
import threading

import pytest

from directory.domain.listing import apply_decision
from directory.domain.search_index import SearchIndex
from directory.service_layer import queries
from directory.service_layer.handlers import HANDLERS, handle_decision, list_all_approved
from domainkit.registration import parse_registration_number
from eventkit.envelope import InvalidMessage

TODAY = dt.date(2026, 6, 1)


class FakeListings:
    """The ListingRepository methods the handlers and queries use, over a dict (same order rules)."""

    def __init__(self):
        self.docs: dict[str, dict] = {}

    def get(self, number):
        return self.docs.get(number)

    def get_many(self, numbers):
        return {n: self.docs[n] for n in numbers if n in self.docs}

    def store_unless_newer(self, listing):
        stored = self.docs.get(listing["_id"])
        if stored is not None and stored["last_event_at"] > listing["last_event_at"]:
            return False
        self.docs[listing["_id"]] = dict(listing)
        return True

    def store_all_unless_newer(self, listings):
        return sum(self.store_unless_newer(listing) for listing in listings)

    def mark_unless_newer(self, number, fields, occurred_at, source):
        stored = self.docs.get(number)
        if stored is None or stored["last_event_at"] > occurred_at:
            return False
        self.docs[number] = {**stored, **fields, "last_event_at": occurred_at, "source": source}
        return True


def a_number(serial: int) -> str:
    """A well-formed registration number (its check letter computed by domainkit's own parser)."""
    base = f"PSEB-2026-{serial:06d}"
    return next(parse_registration_number(f"{base}-{letter}").canonical for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                if parse_registration_number(f"{base}-{letter}").check_ok)


def approval(number, at, name="Ayesha Khan", listed=True, valid_until="2099-01-01"):
    return {"event_type": "ApplicationApproved", "occurred_at": at, "key": f"app-{number}",
            "payload": {"registration_number": number, "valid_until": valid_until, "approved_at": at,
                        "listed": listed, "contact": "sealed",
                        "profile": {"full_name": name, "city": "Lahore", "province": "Punjab", "skills": ["python"],
                                    "platforms": [], "headline": "Developer"}}}


def test_a_registration_issued_after_the_fee_lists_like_the_one_stage_approval(listings):
    number = a_number(2)
    issued = {**approval(number, "2026-03-01"), "event_type": "RegistrationIssued"}
    handle_decision(listings, issued, None)
    assert listings.docs[number]["full_name"] == "Ayesha Khan" and listings.docs[number]["listed"] is True
    assert apply_decision(None, issued) == listings.docs[number]  # the web's search index applies it alike
    list_all_approved(listings, [(issued, None)])  # and the worker's batches
    assert len(listings.docs) == 1


def revocation(number, at):
    return {"event_type": "RegistrationRevoked", "occurred_at": at, "key": f"app-{number}",
            "payload": {"registration_number": number, "revoked_on": at[:10], "reasons": ["internal: fraud"]}}


def reinstatement(number, at, status="approved"):
    return {"event_type": "RegistrationReinstated", "occurred_at": at, "key": f"app-{number}",
            "payload": {"registration_number": number, "status": status}}


@pytest.fixture
def listings():
    return FakeListings()


def test_the_table_lists_approvals_and_revocations_and_ignores_other_decisions(listings):
    number = a_number(1)
    assert set(HANDLERS) == {"ApplicationApproved", "RegistrationIssued", "RegistrationRevoked", "RegistrationExpired",
                             "RegistrationReinstated", "RegistrationRenewed", "RenewalRejected", "RegistrationUnlisted",
                             "RegistrationRelisted", "ErasureCompleted"}
    handle_decision(listings, approval(number, "2026-01-01"), {"topic": "t", "partition": 0, "offset": 3})
    assert listings.docs[number]["source"] == {"topic": "t", "partition": 0, "offset": 3}
    handle_decision(listings, {"event_type": "ApplicationFlagged", "occurred_at": "x", "payload": {}}, None)
    handle_decision(listings, revocation(number, "2026-02-01"), None)
    assert listings.docs[number]["revoked"] is True
    handle_decision(listings, approval(number, "2026-01-01"), None)  # a redelivered older approval
    assert listings.docs[number]["revoked"] is True


def test_an_expiry_marks_the_listing_verify_says_so_and_search_leaves_it_out_unless_asked(listings):
    number = a_number(4)
    handle_decision(listings, approval(number, "2026-01-01"), None)
    expiry = {"event_type": "RegistrationExpired", "occurred_at": "2026-05-01", "key": f"app-{number}",
              "payload": {"registration_number": number, "valid_until": "2099-01-01"}}
    handle_decision(listings, expiry, None)
    handle_decision(listings, approval(number, "2026-01-01"), None)  # a redelivered older approval
    assert listings.docs[number]["expired"] is True
    # the event decides, whatever the date says (a validity shorter than a day ends before valid_until)
    assert queries.verification_of(listings, number, TODAY)["status"] == "expired"
    index = SearchIndex()
    index.load([apply_decision(None, approval(number, "2026-01-01"))])
    index.put(apply_decision(index.listings[number], expiry))
    assert index.search(today=TODAY)["total"] == 0
    found = index.search(today=TODAY, include_expired=True)
    assert [(i["registration_number"], i["status"]) for i in found["items"]] == [(number, "expired")]


def test_a_batch_of_approvals_has_the_effects_of_the_same_approvals_one_by_one():
    first, second = a_number(2), a_number(3)
    events = [(approval(first, "2026-01-02", name="Sara Khan"), {"topic": "t", "partition": 0, "offset": 1}),
              (approval(second, "2026-01-01"), {"topic": "t", "partition": 1, "offset": 1}),
              (approval(first, "2026-01-01", name="Older Name"), {"topic": "t", "partition": 0, "offset": 2})]
    one_by_one, batched = FakeListings(), FakeListings()
    for envelope, source in events:
        handle_decision(one_by_one, envelope, source)
    list_all_approved(batched, events)
    assert batched.docs == one_by_one.docs
    assert batched.docs[first]["full_name"] == "Sara Khan"  # the older approval did not replace it


def test_a_decision_without_its_fields_is_an_invalid_message(listings):
    with pytest.raises(InvalidMessage):
        handle_decision(listings, {"event_type": "ApplicationApproved", "occurred_at": "x", "key": "k",
                                   "payload": {}}, None)
    assert listings.docs == {}


def test_verification_answers_each_status_without_personal_data(listings):
    valid, expired, revoked = a_number(2), a_number(3), a_number(4)
    handle_decision(listings, approval(valid, "2026-01-01", listed=False), None)
    handle_decision(listings, approval(expired, "2026-01-01", valid_until="2026-05-31"), None)
    handle_decision(listings, approval(revoked, "2026-01-01"), None)
    handle_decision(listings, revocation(revoked, "2026-01-02"), None)
    assert queries.verification_of(listings, valid.lower().replace("-", " "), TODAY)["status"] == "valid"
    assert queries.verification_of(listings, expired, TODAY)["status"] == "expired"
    assert queries.verification_of(listings, revoked, TODAY)["valid"] is False
    assert queries.verification_of(listings, a_number(5), TODAY)["status"] == "unknown"
    typo = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    assert queries.verification_of(listings, typo, TODAY)["status"] == "mistyped"
    assert "contact" not in str(queries.verification_of(listings, valid, TODAY))


def test_a_profile_is_shown_only_for_a_listed_unrevoked_freelancer(listings):
    shown, unlisted = a_number(6), a_number(7)
    handle_decision(listings, approval(shown, "2026-01-01"), None)
    handle_decision(listings, approval(unlisted, "2026-01-01", listed=False), None)
    profile = queries.find_listed(listings, shown, TODAY)
    assert profile["full_name"] == "Ayesha Khan" and profile["status"] == "valid"
    assert "application_id" not in profile and "source" not in profile
    assert queries.find_listed(listings, unlisted, TODAY) is None
    assert queries.find_listed(listings, "nonsense", TODAY) is None


class FakeFeed:
    def __init__(self, listings, ready=True):
        self.index, self.lock, self.caught_up = SearchIndex(), threading.Lock(), threading.Event()
        self.index.load(listings)
        self.approved_months = {doc["_id"]: doc["approved_at"][:7] for doc in listings}
        if ready:
            self.caught_up.set()


QUERY = {"q": "", "skill": None, "province": None, "city": None, "platform": None, "limit": 20, "cursor": None}


def test_search_and_stats_wait_for_the_index_then_answer_from_it():
    docs = [apply_decision(None, approval(a_number(10 + i), f"2026-0{1 + i}-01", name=name))
            for i, name in enumerate(["Zara Ali", "Ahmed Raza"])]
    with pytest.raises(queries.NotReady):
        queries.search(FakeFeed(docs, ready=False), QUERY, TODAY)
    feed = FakeFeed(docs)
    result = queries.search(feed, {**QUERY, "q": "zar"}, TODAY)
    assert [i["full_name"] for i in result["items"]] == ["Zara Ali"] and result["total"] == 1
    stats = queries.stats(feed)
    assert stats["listed"] == 2 and stats["by_province"] == {"Punjab": 2}
    assert stats["registrations_per_month"] == {"2026-01": 1, "2026-02": 1}


def test_verify_says_revoked_with_its_date_never_the_reason_and_a_reinstatement_undoes_it(listings):
    number, lapsed_meanwhile = a_number(8), a_number(9)
    handle_decision(listings, approval(number, "2026-01-01"), None)
    handle_decision(listings, revocation(number, "2026-02-03T10:00:00Z"), None)
    answer = queries.verification_of(listings, number, TODAY)
    assert (answer["status"], answer["revoked_on"], answer["valid"]) == ("revoked", "2026-02-03", False)
    assert "fraud" not in str(answer)
    assert queries.find_listed(listings, number, TODAY) is None
    handle_decision(listings, revocation(number, "2026-02-03T10:00:00Z"), None)  # a redelivery
    handle_decision(listings, reinstatement(number, "2026-03-01T00:00:00Z"), None)
    handle_decision(listings, revocation(number, "2026-02-03T10:00:00Z"), None)  # late: older than the reinstatement
    answer = queries.verification_of(listings, number, TODAY)
    assert (answer["status"], answer["revoked_on"]) == ("valid", None)
    assert queries.find_listed(listings, number, TODAY)["status"] == "valid"
    handle_decision(listings, approval(lapsed_meanwhile, "2026-01-01"), None)
    handle_decision(listings, revocation(lapsed_meanwhile, "2026-02-01"), None)
    handle_decision(listings, reinstatement(lapsed_meanwhile, "2026-03-01", status="expired"), None)
    assert queries.verification_of(listings, lapsed_meanwhile, TODAY)["status"] == "expired"


def test_a_reinstatement_naming_another_status_is_an_invalid_message(listings):
    number = a_number(10)
    handle_decision(listings, approval(number, "2026-01-01"), None)
    with pytest.raises(InvalidMessage):
        handle_decision(listings, reinstatement(number, "2026-03-01", status="in_review"), None)


def test_a_renewal_lists_the_registration_afresh_with_its_new_date_and_a_refusal_may_mark_it_expired(listings):
    number, refused = a_number(11), a_number(12)
    handle_decision(listings, approval(number, "2026-01-01", valid_until="2026-12-31"), None)
    handle_decision(listings, {"event_type": "RegistrationExpired", "occurred_at": "2027-01-01", "key": "k",
                               "payload": {"registration_number": number}}, None)
    renewed = {**approval(number, "2027-01-05", valid_until="2027-12-31"), "event_type": "RegistrationRenewed"}
    renewed["payload"]["approved_at"] = "2026-01-01"
    handle_decision(listings, renewed, None)
    answer = queries.verification_of(listings, number, TODAY)
    assert (answer["status"], answer["valid_until"]) == ("valid", "2027-12-31")
    assert listings.docs[number]["approved_at"] == "2026-01-01"  # the statistics count the first registration
    handle_decision(listings, approval(refused, "2026-01-01", valid_until="2026-12-31"), None)
    handle_decision(listings, {"event_type": "RenewalRejected", "occurred_at": "2027-01-02", "key": "k",
                               "payload": {"registration_number": refused, "status": "expired"}}, None)
    assert listings.docs[refused]["expired"] is True
