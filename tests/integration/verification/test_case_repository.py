"""CaseRepository's writes on the real server: bulk opens that meet existing cases, bulk transitions
that meet changed ones, and the unique registration number."""
import datetime as dt
import uuid

import pytest
from pymongo.errors import DuplicateKeyError

from eventkit.indexes import ensure_indexes
from verification.adapters.cases import CaseRepository
from verification.adapters.indexes import INDEXES
from verification.domain.case import Transition, audit_entry

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
