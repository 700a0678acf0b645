"""CaseRepository's writes on the real server: bulk opens that meet existing cases, bulk transitions
that meet changed ones, the unique registration number, and reviewers' leases."""
import datetime as dt
import uuid

import pytest
from pymongo.errors import DuplicateKeyError

from eventkit.indexes import ensure_indexes
from verification.adapters.cases import CaseRepository
from verification.adapters.indexes import INDEXES
from verification.domain.case import REVIEWED, Transition, audit_entry
from verification.domain.queue import QueueFilter

AT = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)


def application(**indexes) -> dict:
    return {"public": {"full_name": "Ayesha Khan", "listed": True}, "sealed": "v1:x", "language": "en",
            "indexes": {"cnic": uuid.uuid4().hex, "email": uuid.uuid4().hex, "mobile": uuid.uuid4().hex, **indexes}}


def note() -> dict:
    return {"event_id": uuid.uuid4().hex, "event_type": "ApplicationSubmitted", "occurred_at": "2026-11-30T00:00:00Z"}


@pytest.fixture
def cases(database):
    ensure_indexes(database, INDEXES)
    return CaseRepository(database)


def test_open_many_creates_the_new_cases_and_skips_existing_and_repeated_ids(cases):
    cases.open("a1", application(), note(), AT)
    opened = cases.open_many([("a1", application(), note()), ("a2", application(), note()),
                              ("a2", application(), note()), ("a3", application(), note())], AT)
    assert sorted(opened) == ["a2", "a3"]
    assert cases.collection.count_documents({}) == 3
    assert cases.get("a2")["applied_events"] == opened["a2"]["applied_events"]


def test_transition_many_applies_only_to_cases_still_as_read(cases):
    opened = cases.open_many([(f"b{i}", application(), note()) for i in range(3)], AT)
    cases.collection.update_one({"_id": "b1"}, {"$inc": {"version": 1}})  # an amendment landed meanwhile
    changes = [Transition(case, "in_review", ["why"], audit_entry("system", "sent_to_review", "", AT),
                          [{"event_id": uuid.uuid4().hex, "key": case["_id"], "event_type": "ApplicationFlagged"}])
               for case in opened.values()]
    assert cases.transition_many(changes) == 2
    states = {c["_id"]: (c["state"], c["outbox_pending"]) for c in cases.collection.find()}
    assert states == {"b0": ("in_review", True), "b1": ("checking", False), "b2": ("in_review", True)}


def test_sharing_any_finds_every_case_under_any_of_the_indexes(cases):
    cases.open_many([("c1", application(cnic="same"), note()), ("c2", application(email="shared"), note()),
                     ("c3", application(), note())], AT)
    found = cases.sharing_any([application(cnic="same")["indexes"], application(email="shared")["indexes"]])
    assert sorted(c["_id"] for c in found) == ["c1", "c2"]
    assert cases.sharing_identity("c1", cases.get("c1")["indexes"]) == []


def test_no_registration_number_on_two_cases(cases):
    opened = cases.open_many([("d1", application(), note()), ("d2", application(), note())], AT)
    decision = {"outcome": "approved", "registration_number": "PSEB-2026-000001-X"}
    approve = [Transition(case, "approved", [], audit_entry("system", "approved", "", AT), [], decision=decision)
               for case in opened.values()]
    assert cases.transition(approve[0])
    with pytest.raises(DuplicateKeyError):
        cases.transition(approve[1])


def test_a_lease_keeps_other_reviewers_out_until_it_ends_then_the_case_returns_to_the_queue(cases):
    """Claims on the real server, with explicit times: a live lease refuses another reviewer's claim and
    decision, an ended one (nobody cleans it up) lets the case be claimed again and shows it as unclaimed."""
    opened = cases.open_many([("l1", application(), note())], AT)["l1"]
    review = Transition(opened, "in_review", ["why"], audit_entry("system", "sent_to_review", "", AT), [])
    assert cases.transition(review)

    def claim(reviewer, now):  # a 30-minute lease from `now`
        return cases.claim("l1", REVIEWED, {"reviewer": reviewer, "until": now + dt.timedelta(minutes=30)}, now,
                           audit_entry(f"reviewer:{reviewer}", "case_claimed", "", now))
    unclaimed = lambda now: [c["_id"] for c in cases.queue(  # noqa: E731
        QueueFilter(("in_review",), now, assigned="unassigned"), 10)]
    assert claim("ayesha", AT)
    during, after = AT + dt.timedelta(minutes=29), AT + dt.timedelta(minutes=31)
    assert not claim("bilal", during) and unclaimed(during) == []
    case = cases.get("l1")
    decision = Transition(case, "rejected", ["no"], audit_entry("reviewer:bilal", "rejected", "", during), [],
                          decided_by_reviewer="bilal")
    assert not cases.transition(decision)  # bilal cannot decide ayesha's case while her lease holds
    assert unclaimed(after) == ["l1"] and claim("bilal", after)
    assert cases.get("l1")["lease"]["reviewer"] == "bilal"
    late = Transition(case, "rejected", ["no"], audit_entry("reviewer:bilal", "rejected", "", after), [],
                      decided_by_reviewer="bilal")
    assert cases.transition(late) and "lease" not in cases.get("l1")
