"""Verification's decisions against the in-memory repositories: the event→handler table, each decision
applied once, only to an open application, a rejection freeing the CNIC, an unknown application refused."""
import pytest

from eventkit.envelope import InvalidMessage, new_event
from intake.domain import application as lifecycle
from intake.service_layer import submissions
from intake.service_layer.handlers import HANDLERS, handle_verification_event


def decision(event_type, application_id, **payload):
    return new_event(event_type, application_id, {"application_id": application_id, **payload},
                     source="verification")


def test_the_table_names_every_decision_and_nothing_else():
    assert set(HANDLERS) == set(lifecycle.DECISION_STATUS)


def test_flagged_then_approved_once_each(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    flagged = decision("ApplicationFlagged", application_id, reasons=["province differs"])
    handle_verification_event(deps, flagged)
    handle_verification_event(deps, flagged)  # redelivered
    approved = decision("ApplicationApproved", application_id, registration_number="PK-2026-000001",
                        valid_until="2027-03-01")
    handle_verification_event(deps, approved)
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.APPROVED and doc["decision"]["registration_number"] == "PK-2026-000001"
    assert [e["status"] for e in doc["timeline"]] == ["submitted", "in_review", "approved"]
    assert "cnic_claim" in doc  # a registration holds the CNIC
    with pytest.raises(submissions.DuplicateCnic):
        submissions.submit(deps, application())


def test_a_rejection_frees_the_cnic(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_verification_event(deps, decision("ApplicationRejected", application_id, reasons=["blocked"]))
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.REJECTED and doc["decision"] == {"reasons": ["blocked"]}
    assert "cnic_claim" not in doc
    submissions.submit(deps, application())


def test_a_decision_after_withdrawal_changes_nothing(deps, application):
    submitted = submissions.submit(deps, application())
    submissions.withdraw(deps, submitted.application)
    handle_verification_event(deps, decision("ApplicationApproved", submitted.application_id,
                                             registration_number="n", valid_until="v"))
    assert deps.applications.docs[submitted.application_id]["status"] == lifecycle.WITHDRAWN


def test_a_flag_after_a_reviewer_decided_changes_nothing(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_verification_event(deps, decision("ApplicationRejected", application_id))
    handle_verification_event(deps, decision("ApplicationFlagged", application_id))
    assert deps.applications.docs[application_id]["status"] == lifecycle.REJECTED


def test_a_decision_for_an_unknown_application_is_an_invalid_message(deps):
    with pytest.raises(InvalidMessage, match="unknown application"):
        handle_verification_event(deps, decision("ApplicationFlagged", "nobody"))


def test_other_verification_events_are_not_intakes_business(deps):
    handle_verification_event(deps, decision("ReviewerAssigned", "nobody"))
    assert deps.applications.docs == {}
