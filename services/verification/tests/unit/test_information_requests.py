"""Asking the applicant for more, in the service layer with fakes: the case leaves the queue and the reviewer's
lease ends; the applicant's answer brings it back with the request as context; one reminder before the deadline;
the lapse at it; an amendment re-opens the case for the checks like any other."""
import datetime as dt

import pytest

from verification.domain import case as states
from verification.domain.information import InvalidRequest
from verification.domain.queue import ClaimedByAnother
from eventkit.envelope import new_event
from verification.service_layer import claims, information, views
from verification.service_layer.decisions import CaseClosed
from verification.service_layer.handlers import handle_application_event


def provided(application_id: str, documents=("cnic_front",)) -> dict:
    return new_event("InformationProvided", application_id, {"application_id": application_id,
                                                             "documents": list(documents)}, source="intake")


def published(deps, application_id) -> list[dict]:
    return deps.cases.get(application_id)["outbox"]


def test_a_request_takes_the_case_out_of_the_queue_and_tells_the_applicant(deps, flagged):
    case_id = flagged()
    claims.claim(deps, case_id, "ayesha")
    request = information.request_information(deps, case_id, "ayesha", "  Upload a sharper CNIC front.  ",
                                              ["cnic_front"], ["address"])
    case = deps.cases.get(case_id)
    assert case["state"] == states.AWAITING_APPLICANT and "lease" not in case
    assert request["message"] == "Upload a sharper CNIC front." and request["documents"] == ["cnic_front"]
    assert request["respond_by"] - request["requested_at"] == dt.timedelta(days=14)
    assert case["due_at"] == request["reminder_at"] == request["respond_by"] - dt.timedelta(days=3)
    event = published(deps, case_id)[-1]
    assert event["event_type"] == "InformationRequested" and event["payload"]["fields"] == ["address"]
    assert deps.events_sealer.unseal(event["payload"]["contact"])["email"] == "shared@example.pk"
    assert case_id not in [c["application_id"] for c in views.queue(deps, "pending", 50)["items"]]


def test_only_the_reviewer_holding_the_case_may_ask_and_only_while_it_is_in_review(deps, flagged):
    case_id = flagged()
    claims.claim(deps, case_id, "ayesha")
    with pytest.raises(ClaimedByAnother):
        information.request_information(deps, case_id, "bilal", "Send it", [], [])
    information.request_information(deps, case_id, "ayesha", "Send it", [], [])
    with pytest.raises(CaseClosed):
        information.request_information(deps, case_id, "ayesha", "Again", [], [])


@pytest.mark.parametrize("message, documents, fields, wrong", [
    ("   ", [], [], "message"), ("x" * 2001, [], [], "message"), ("Send", ["passport"], [], "documents"),
    ("Send", [], ["cnic"], "fields")])
def test_a_request_names_what_is_wrong_with_it_and_changes_nothing(deps, flagged, message, documents, fields, wrong):
    case_id = flagged()
    with pytest.raises(InvalidRequest) as refused:
        information.request_information(deps, case_id, "ayesha", message, documents, fields)
    assert list(refused.value.errors) == [wrong] and deps.cases.get(case_id)["state"] == states.IN_REVIEW


def test_the_answer_brings_the_case_back_to_its_place_with_the_request_as_context(deps, flagged):
    older, newer = flagged(), flagged()
    information.request_information(deps, older, "ayesha", "Upload the CNIC front", ["cnic_front"], [])
    assert handle_application_event(deps, provided(older)) is None
    case = deps.cases.get(older)
    assert case["state"] == states.IN_REVIEW and case["due_at"] is None
    assert case["information_request"]["answered_at"] is not None
    assert [c["application_id"] for c in views.queue(deps, "pending", 50)["items"]][:2] == [older, newer]
    assert information.information_provided(deps, provided(older)) is False  # a repeat changes nothing
    assert [e["action"] for e in case["audit"]][-2:] == ["information_requested", "information_provided"]


def test_one_reminder_before_the_deadline_then_the_application_lapses(deps, flagged):
    case_id = flagged()
    request = information.request_information(deps, case_id, "ayesha", "Upload the CNIC front", ["cnic_front"], [])
    assert information.sweep_information_requests(deps) == (0, 0)
    deps.clock.at = request["reminder_at"] + dt.timedelta(seconds=1)
    assert information.sweep_information_requests(deps) == (1, 0)
    assert information.sweep_information_requests(deps) == (0, 0)  # reminded once
    deps.clock.at = request["respond_by"] + dt.timedelta(seconds=1)
    assert information.sweep_information_requests(deps) == (0, 1)
    case = deps.cases.get(case_id)
    assert case["state"] == states.LAPSED and case["due_at"] is None
    assert deps.cases.events(case_id)[-2:] == ["InformationReminder", "ApplicationLapsed"]
    lapsed = published(deps, case_id)[-1]
    assert lapsed["payload"]["cause"] == "information_not_provided"
    assert "was not sent by" in lapsed["payload"]["reasons"][0]
    assert information.information_provided(deps, provided(case_id)) is False  # too late


def test_an_amendment_answers_the_request_and_goes_back_to_the_reviewer_even_when_the_checks_pass(
        deps, flagged, application_event):
    case_id = flagged()
    information.request_information(deps, case_id, "ayesha", "Correct your email", [], ["email"])
    # amended to an email of its own: every automated check passes now
    handle_application_event(deps, application_event("ApplicationAmended", application_id=case_id))
    case = deps.cases.get(case_id)
    assert case["state"] == states.IN_REVIEW and case["reasons"]  # not approved by the checks alone
    assert case["information_request"]["answered_at"] is not None and case["due_at"] is None
    assert information.sweep_information_requests(deps) == (0, 0)
    assert deps.cases.events(case_id)[-1] == "ApplicationFlagged"
