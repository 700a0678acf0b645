"""A reviewer's request for more information on intake's side, with fakes: kept once on the open application and
shown to the applicant; answered when the last document asked for is uploaded (InformationProvided goes with it)
or when the application is amended; a lapse for want of it says so on the timeline."""
import pytest

from eventkit.envelope import new_event
from intake.service_layer import submissions, views
from intake.service_layer.handlers import handle_event


def requested(application_id: str, documents=("cnic_front", "ntn_certificate"), fields=()) -> dict:
    return new_event("InformationRequested", application_id, {
        "application_id": application_id, "message": "Upload a sharper CNIC front and your NTN certificate.",
        "documents": list(documents), "fields": list(fields), "respond_by": "2026-03-15T09:30:00+00:00",
        "reasons": [], "language": "en", "contact": "sealed"}, source="verification")


@pytest.fixture
def in_review(deps, application):
    submitted = submissions.submit(deps, application())
    handle_event(deps, new_event("ApplicationFlagged", submitted.application_id, {
        "application_id": submitted.application_id, "reasons": ["Check"]}, source="verification"))
    return submitted.application_id


def outbox_types(deps, application_id):
    return [e["event_type"] for e in deps.applications.docs[application_id]["outbox"]]


def test_the_request_is_kept_once_and_shown_to_the_applicant(deps, in_review):
    event = requested(in_review)
    handle_event(deps, event)
    handle_event(deps, event)  # redelivered
    view = views.applicant_view(deps, deps.applications.get(in_review))
    assert view["information_request"]["outstanding"] == ["cnic_front", "ntn_certificate"]
    assert [e["note"] for e in view["timeline"]].count("A reviewer asked you for more information") == 1


def test_the_last_document_asked_for_answers_the_request(deps, in_review):
    handle_event(deps, requested(in_review))
    submissions.add_document(deps, deps.applications.get(in_review), "cnic_front", "image/png", b"png")
    assert outbox_types(deps, in_review)[-1] == "DocumentUploaded"
    assert views.applicant_view(deps, deps.applications.get(in_review))["information_request"]["outstanding"] == [
        "ntn_certificate"]
    submissions.add_document(deps, deps.applications.get(in_review), "cnic_back", "image/png", b"png")  # not asked
    submissions.add_document(deps, deps.applications.get(in_review), "ntn_certificate", "application/pdf", b"%PDF")
    assert outbox_types(deps, in_review)[-2:] == ["DocumentUploaded", "InformationProvided"]
    provided = deps.applications.docs[in_review]["outbox"][-1]["payload"]
    assert provided["documents"] == ["cnic_front", "ntn_certificate"]
    assert views.applicant_view(deps, deps.applications.get(in_review))["information_request"] is None
    submissions.add_document(deps, deps.applications.get(in_review), "cnic_front", "image/png", b"png2")
    assert outbox_types(deps, in_review).count("InformationProvided") == 1


def test_an_amendment_answers_a_request_for_corrections(deps, in_review):
    handle_event(deps, requested(in_review, documents=(), fields=("address",)))
    submissions.amend(deps, deps.applications.get(in_review), {"address": "House 9, Gulberg"})
    assert deps.applications.docs[in_review]["information_request"]["answered_at"] is not None
    assert "InformationProvided" not in outbox_types(deps, in_review)  # the amendment re-opens the case itself


def test_a_lapse_for_want_of_information_says_so(deps, in_review):
    handle_event(deps, requested(in_review))
    handle_event(deps, new_event("ApplicationLapsed", in_review, {
        "application_id": in_review, "cause": "information_not_provided",
        "reasons": ["The information a reviewer asked for was not sent by 2026-03-15."]}, source="verification"))
    doc = deps.applications.get(in_review)
    assert doc["status"] == "lapsed" and "cnic_claim" not in doc
    assert doc["timeline"][-1]["note"] == "Lapsed: the information a reviewer asked for was not sent in time"
    assert views.applicant_view(deps, doc)["information_request"] is None


def test_the_applicant_sees_who_looked_at_the_record_by_role_latest_first_each_once(deps, in_review):
    looks = [new_event("RecordViewed", in_review, {"application_id": in_review, "role": role, "what": what},
                       source="verification")
             for role, what in [("reviewer", "case"), ("auditor", "document:cnic_front"), ("superuser", "case")]]
    for event in [*looks, looks[0]]:  # the first comes twice
        handle_event(deps, event)
    seen = views.applicant_view(deps, deps.applications.get(in_review))["looks"]
    assert [(look["role"], look["what"]) for look in seen] == [("reviewer", "case"), ("auditor", "document:cnic_front"),
                                                               ("reviewer", "case")]  # an unknown role: a reviewer
