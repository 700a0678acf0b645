"""The worker's handling of intake's events, in the service layer, against in-memory repositories:
cases are opened, checked and decided once per event, duplicates and shared contacts are caught,
amendments and withdrawals apply only while a case is open, and redeliveries change nothing."""
import pytest

from eventkit.envelope import InvalidMessage
from verification.service_layer import decisions, intake_events
from verification.service_layer.handlers import HANDLERS, handle_application_event


def handle(deps, envelope):
    handle_application_event(deps, envelope)
    return deps.cases.get(envelope["key"])


def test_a_clean_application_is_approved_in_principle_without_a_number_yet(deps, application_event):
    case = handle(deps, application_event())
    assert case["state"] == "awaiting_payment" and "registration_number" not in case["decision"]
    assert deps.cases.events(case["_id"]) == ["ApplicationApprovedInPrinciple"]
    [approval] = case["outbox"]
    assert approval["payload"]["payer_name"] == "Ayesha Khan" and approval["payload"]["contact"]
    assert [e["action"] for e in case["audit"]] == ["application_received", "approved_in_principle"]
    assert all(check["outcome"] == "pass" for check in case["checks"]) and len(case["checks"]) > 5
    assert deps.numbers.last == {}  # the number is drawn when the fee is paid


def test_a_second_application_with_the_same_cnic_is_rejected_as_a_duplicate(deps, application_event):
    first = handle(deps, application_event(cnic="3520212345672"))
    second = handle(deps, application_event(cnic="3520212345672"))
    assert first["state"] == "awaiting_payment"  # a CNIC approved in principle is held
    assert second["state"] == "rejected" and "already has an active application" in second["reasons"][0]
    assert deps.cases.events(second["_id"]) == ["ApplicationRejected"]


def test_a_rejected_application_does_not_hold_its_cnic(deps, application_event):
    first = application_event(cnic="3520212345672", date_of_birth="2015-01-01")  # too young: rejected
    handle(deps, first)
    assert handle(deps, application_event(cnic="3520212345672"))["state"] == "awaiting_payment"


def test_an_email_used_under_another_cnic_sends_the_case_to_review(deps, application_event):
    handle(deps, application_event(email="shared@example.pk"))
    case = handle(deps, application_event(email="shared@example.pk"))
    assert case["state"] == "in_review" and "also used by another applicant" in case["reasons"][0]
    assert deps.cases.events(case["_id"]) == ["ApplicationFlagged"]


def test_a_redelivered_submission_changes_nothing(deps, application_event):
    envelope = application_event()
    before = handle(deps, envelope)
    after = handle(deps, envelope)
    assert after == before
    assert deps.cases.events(envelope["key"]) == ["ApplicationApprovedInPrinciple"]


def test_a_submission_stored_before_a_crash_is_decided_on_its_redelivery(deps, application_event):
    envelope = application_event()
    intake_events.receive_application(deps, envelope)  # stored; the worker died before deciding
    assert deps.cases.get(envelope["key"])["state"] == "checking"
    case = handle(deps, envelope)
    assert case["state"] == "awaiting_payment" and len(case["application_events"]) == 1
    assert deps.cases.events(case["_id"]) == ["ApplicationApprovedInPrinciple"]


def test_an_amendment_of_a_case_in_review_checks_it_again(deps, application_event):
    handle(deps, application_event(email="shared@example.pk"))
    flagged = application_event(email="shared@example.pk")
    application_id = flagged["key"]
    assert handle(deps, flagged)["state"] == "in_review"
    amended = handle(deps, application_event("ApplicationAmended", application_id, email="own@example.pk"))
    assert amended["state"] == "awaiting_payment" and amended["version"] == 2
    assert deps.cases.events(application_id) == ["ApplicationFlagged", "ApplicationApprovedInPrinciple"]


def test_an_amendment_after_the_decision_is_only_logged(deps, application_event):
    case = handle(deps, application_event())
    after = handle(deps, application_event("ApplicationAmended", case["_id"], full_name="Someone Else"))
    assert after["state"] == "awaiting_payment" and after["public"]["full_name"] == "Ayesha Khan"
    assert after["audit"][-1]["action"] == "amendment_ignored"
    assert deps.cases.events(case["_id"]) == ["ApplicationApprovedInPrinciple"]


def test_an_amendment_whose_submission_never_arrived_opens_the_case(deps, application_event):
    case = handle(deps, application_event("ApplicationAmended"))
    assert case["state"] == "awaiting_payment" and case["application_events"][0]["event_type"] == "ApplicationAmended"


def test_a_withdrawal_closes_an_open_case_once(deps, application_event):
    handle(deps, application_event(email="shared@example.pk"))
    flagged = handle(deps, application_event(email="shared@example.pk"))
    withdrawal = application_event("ApplicationWithdrawn", flagged["_id"])
    handle(deps, withdrawal)
    case = handle(deps, withdrawal)
    assert case["state"] == "withdrawn"
    assert [e["action"] for e in case["audit"]].count("withdrawn") == 1
    with pytest.raises(decisions.CaseClosed):
        decisions.decide_by_reviewer(deps, flagged["_id"], "ayesha", "approve", "")


def test_a_decision_on_a_case_changed_meanwhile_is_not_applied(deps, application_event):
    handle(deps, application_event(email="shared@example.pk"))
    flagged = handle(deps, application_event(email="shared@example.pk"))
    read_before_the_amendment = deps.cases.get(flagged["_id"])
    deps.cases.cases[flagged["_id"]]["version"] += 1  # an amendment lands between the reviewer's read and write
    deps.cases.get = lambda application_id: read_before_the_amendment
    with pytest.raises(decisions.CaseClosed, match="changed meanwhile"):
        decisions.decide_by_reviewer(deps, flagged["_id"], "ayesha", "reject", "Not yours")
    assert deps.cases.cases[flagged["_id"]]["state"] == "in_review"


def test_a_reviewer_approves_a_flagged_case_in_principle(deps, application_event):
    handle(deps, application_event(email="shared@example.pk"))
    flagged = handle(deps, application_event(email="shared@example.pk"))
    decisions.decide_by_reviewer(deps, flagged["_id"], "ayesha", "approve", "")
    case = deps.cases.get(flagged["_id"])
    assert case["state"] == "awaiting_payment" and case["decision"]["by"] == "reviewer:ayesha"
    assert deps.cases.events(flagged["_id"]) == ["ApplicationFlagged", "ApplicationApprovedInPrinciple"]
    assert case["audit"][-1]["actor"] == "reviewer:ayesha"
    assert case["audit"][-1]["action"] == "approved_in_principle"


def test_a_reviewer_cannot_decide_an_unknown_or_decided_case(deps, application_event):
    with pytest.raises(decisions.CaseNotFound):
        decisions.decide_by_reviewer(deps, "nope", "ayesha", "approve", "")
    approved = handle(deps, application_event())
    with pytest.raises(decisions.CaseClosed):
        decisions.decide_by_reviewer(deps, approved["_id"], "ayesha", "reject", "No")


def test_an_unreadable_application_stores_nothing(deps, application_event):
    envelope = application_event()
    envelope["payload"]["sealed"] = "v1:garbage"
    with pytest.raises(InvalidMessage):
        handle_application_event(deps, envelope)
    assert deps.cases.cases == {}


def test_documents_are_noted_and_unknown_kinds_refused(deps, application_event):
    case = handle(deps, application_event())
    upload = application_event("DocumentUploaded", case["_id"])
    upload["payload"] = {"application_id": case["_id"], "kind": "cnic_front", "content_type": "image/png", "size": 5}
    handle_application_event(deps, upload)
    assert deps.cases.get(case["_id"])["documents"]["cnic_front"]["size"] == 5
    upload["payload"]["kind"] = "passport"
    with pytest.raises(InvalidMessage):
        handle_application_event(deps, upload)


def test_other_event_types_are_ignored_and_each_type_has_one_handler(deps, application_event):
    handle_application_event(deps, application_event("ApplicantNotified"))
    assert deps.cases.cases == {}
    assert set(HANDLERS) == {"ApplicationSubmitted", "ApplicationAmended", "ApplicationWithdrawn", "DocumentUploaded",
                             "FeePaid", "VoucherExpired", "RenewalRequested", "VoucherCancelled", "InformationProvided",
                             "ListingPreferenceChanged", "ApplicationErased"}
