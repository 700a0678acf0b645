"""Intake's repository on the real MongoDB-protocol server (DocumentDB locally): a submission is one write that
stores the application, its CNIC claim and its event, or nothing; one application at a time holds a CNIC,
also when submissions race; withdrawal and rejection release the claim; a duplicate `_id` is not taken for a
duplicate CNIC."""
import datetime as dt
import threading

import pytest
from pymongo.errors import DuplicateKeyError

from eventkit.indexes import ensure_indexes
from eventkit.outbox import PENDING
from intake.adapters.applications import ApplicationRepository
from intake.adapters.indexes import INDEXES
from intake.domain import application as lifecycle

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def applications(database):
    ensure_indexes(database, INDEXES)
    return ApplicationRepository(database)


def new_application(application_id: str, index: str = "idx-1") -> dict:
    return {"_id": application_id, "status": lifecycle.SUBMITTED, "cnic_index": index, "submitted_at": NOW,
            "updated_at": NOW, "timeline": [], "documents": {}, "decision": {}}


def event(application_id: str, n: int = 1) -> dict:
    return {"event_id": f"{application_id}-e{n}", "key": application_id, "event_type": "ApplicationSubmitted"}


def test_a_submission_is_one_document_with_its_claim_and_pending_event(applications, database):
    applications.add(new_application("a1"), [event("a1")])
    stored = database["applications"].find_one({"_id": "a1"})
    assert stored["cnic_claim"] == "idx-1" and stored["outbox_pending"] is True
    assert [e["state"] for e in stored["outbox"]] == [PENDING]
    written = {name: database[name].count_documents({}) for name in database.list_collection_names()}
    assert {name: n for name, n in written.items() if n} == {"applications": 1}  # nothing else written


def test_a_held_cnic_is_refused_and_nothing_is_stored(applications, database):
    applications.add(new_application("a1"), [event("a1")])
    with pytest.raises(lifecycle.DuplicateCnic):
        applications.add(new_application("a2"), [event("a2")])
    assert database["applications"].count_documents({"_id": "a2"}) == 0


def test_a_duplicate_id_is_not_a_duplicate_cnic(applications):
    applications.add(new_application("a1"), [event("a1")])
    with pytest.raises(DuplicateKeyError):
        applications.add(new_application("a1", index="idx-2"), [event("a1")])


def test_racing_submissions_of_one_cnic_store_exactly_one(applications, database):
    outcomes, start = [], threading.Barrier(8)

    def submit(n):
        start.wait()
        try:
            applications.add(new_application(f"r{n}"), [event(f"r{n}")])
            outcomes.append("stored")
        except lifecycle.DuplicateCnic:
            outcomes.append("refused")
    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["stored"]
    assert database["applications"].count_documents({"cnic_index": "idx-1"}) == 1


def test_withdrawal_releases_the_claim_once(applications):
    applications.add(new_application("a1"), [event("a1")])
    entry = lifecycle.timeline_entry(lifecycle.WITHDRAWN, "Withdrawn", NOW)
    withdrawn = applications.withdraw("a1", NOW, entry, event("a1", 2))
    assert withdrawn == {"_id": "a1", "status": lifecycle.WITHDRAWN, "updated_at": NOW}
    assert applications.withdraw("a1", NOW, entry, event("a1", 3)) is None
    stored = applications.get("a1")
    assert "cnic_claim" not in stored and stored["revision"] == 2 and len(stored["outbox"]) == 2
    applications.add(new_application("a2"), [event("a2")])  # the CNIC is free again


@pytest.mark.parametrize("event_type,holds", [("ApplicationRejected", False), ("ApplicationApproved", True),
                                              ("ApplicationFlagged", True)])
def test_a_decision_keeps_or_releases_the_claim_and_applies_once(applications, event_type, holds):
    applications.add(new_application("a1"), [event("a1")])
    status = lifecycle.DECISION_STATUS[event_type]
    entry = lifecycle.timeline_entry(status, "decided", NOW)
    allowed = lifecycle.decision_allowed_from(event_type)
    assert applications.record_decision("a1", "d1", allowed, {"reasons": []}, entry, holds_cnic=holds)
    assert not applications.record_decision("a1", "d1", allowed, {"reasons": []}, entry, holds_cnic=holds)
    stored = applications.get("a1")
    assert stored["status"] == status and stored["applied_events"] == ["d1"]
    assert ("cnic_claim" in stored) is holds
    if holds:
        with pytest.raises(lifecycle.DuplicateCnic):
            applications.add(new_application("a2"), [event("a2")])
    else:
        applications.add(new_application("a2"), [event("a2")])


def test_an_amendment_needs_the_revision_it_read_and_returns_the_result(applications):
    applications.add(new_application("a1"), [event("a1")])
    entry = lifecycle.timeline_entry(lifecycle.SUBMITTED, "Application amended", NOW)
    amended = applications.amend("a1", 1, {"public": {"city": "Multan"}, "updated_at": NOW}, entry, event("a1", 2))
    assert amended["public"] == {"city": "Multan"} and amended["revision"] == 2 and amended["outbox_pending"]
    assert applications.amend("a1", 1, {"public": {"city": "Quetta"}}, entry, event("a1", 3)) is None


def test_a_reinstatement_claims_the_cnic_again_unless_a_new_application_holds_it(applications):
    """Under REVOKED_CNIC_BLOCKS=false a revocation released the claim; the reinstatement takes it back while
    the CNIC is free, and moves without it when a new application claimed it meanwhile."""
    revoked = lifecycle.timeline_entry(lifecycle.REVOKED, "Revoked", NOW)
    back = lifecycle.timeline_entry(lifecycle.APPROVED, "Reinstated", NOW)
    for app_id in ("a1", "b1"):
        applications.add(new_application(app_id, f"idx-{app_id}"), [event(app_id)])
        applications.record_decision(app_id, f"r-{app_id}", list(lifecycle.STATUSES), {"reasons": []}, revoked,
                                     holds_cnic=False)
    assert applications.record_decision("a1", "i1", [lifecycle.REVOKED], {"reasons": []}, back, True, True)
    assert applications.get("a1")["cnic_claim"] == "idx-a1"
    applications.add(new_application("b2", "idx-b1"), [event("b2")])  # the free CNIC, taken
    assert applications.record_decision("b1", "i2", [lifecycle.REVOKED], {"reasons": []}, back, True, True)
    stored = applications.get("b1")
    assert stored["status"] == lifecycle.APPROVED and "cnic_claim" not in stored
