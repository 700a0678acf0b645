"""The applicant's side of the service layer against the in-memory repositories: what a submission stores
and publishes, the CNIC held by one open application at a time, amendments, withdrawal, documents."""
import pytest

from domainkit.people import cnic_index
from intake.domain import application as lifecycle
from intake.domain import events
from intake.service_layer import submissions, views
from servicekit.crypto import token_matches

INDEX_KEY = bytes(range(32))


def test_a_submission_stores_the_application_its_claim_and_its_event_together(deps, application):
    submitted = submissions.submit(deps, application())
    doc = deps.applications.docs[submitted.application_id]
    assert doc["status"] == lifecycle.SUBMITTED and token_matches(submitted.access_token, doc["token_hash"])
    assert doc["cnic_claim"] == doc["cnic_index"] == cnic_index(INDEX_KEY, "3520212345671")
    assert "3520212345671" not in str(doc)  # personal data only sealed
    assert deps.unseal_record(doc["pii"])["date_of_birth"] == "1990-01-01"
    (event,) = doc["outbox"]
    assert event["event_type"] == events.APPLICATION_SUBMITTED and event["key"] == submitted.application_id
    assert deps.data_keys.keyring().unseal(event["payload"]["profile"]) == doc["public"]
    assert "Ayesha" not in str(event["payload"])  # nothing of the applicant in the clear
    assert deps.data_keys.keyring().unseal(event["payload"]["sealed"])["cnic"] == "3520212345671"
    assert submitted.application["_id"] == submitted.application_id


def test_a_cnic_held_by_an_open_application_is_refused_and_nothing_is_stored(deps, application):
    submissions.submit(deps, application())
    with pytest.raises(submissions.DuplicateCnic):
        submissions.submit(deps, application(email="other@example.pk"))
    assert len(deps.applications.docs) == 1


def test_withdrawal_releases_the_cnic_and_publishes(deps, application):
    first = submissions.submit(deps, application())
    withdrawn = submissions.withdraw(deps, deps.applications.get(first.application_id))
    assert withdrawn["status"] == lifecycle.WITHDRAWN
    assert deps.applications.docs[first.application_id]["outbox"][-1]["event_type"] == events.APPLICATION_WITHDRAWN
    with pytest.raises(submissions.NotAllowed):
        submissions.withdraw(deps, deps.applications.get(first.application_id))
    again = submissions.submit(deps, application())
    assert deps.applications.docs[again.application_id]["cnic_claim"] == cnic_index(INDEX_KEY, "3520212345671")


def test_an_amendment_publishes_the_whole_application_and_a_stale_one_is_refused(deps, application):
    submitted = submissions.submit(deps, application())
    read = deps.applications.get(submitted.application_id)
    amended = submissions.amend(deps, read, {"city": "Multan", "email": "new@example.pk"})
    assert amended["public"]["city"] == "Multan" and amended["revision"] == 2
    event = amended["outbox"][-1]
    assert event["event_type"] == events.APPLICATION_AMENDED and deps.data_keys.keyring().unseal(
        event["payload"]["profile"])["city"] == "Multan"
    assert deps.data_keys.keyring().unseal(event["payload"]["sealed"])["email"] == "new@example.pk"
    assert [e["note"] for e in amended["timeline"]] == ["Application received", "Application amended"]
    with pytest.raises(submissions.NotAllowed):
        submissions.amend(deps, read, {"city": "Quetta"})  # read before the first amendment


def test_documents_are_stored_and_announced_while_open_only(deps, application):
    submitted = submissions.submit(deps, application())
    info = submissions.add_document(deps, submitted.application, "cnic_front", "image/png", b"png")
    doc = deps.applications.docs[submitted.application_id]
    assert doc["documents"]["cnic_front"] == info and doc["outbox"][-1]["event_type"] == events.DOCUMENT_UPLOADED
    submissions.withdraw(deps, deps.applications.get(submitted.application_id))
    with pytest.raises(submissions.NotAllowed):
        submissions.add_document(deps, deps.applications.get(submitted.application_id), "cnic_back", "image/png", b"x")
    with pytest.raises(submissions.NotAllowed):  # read while open, withdrawn since
        submissions.add_document(deps, submitted.application, "cnic_back", "image/png", b"x")
    assert (submitted.application_id, "cnic_front") in deps.documents.stored


def test_the_token_opens_the_application_and_the_views_mask_the_cnic(deps, application):
    submitted = submissions.submit(deps, application())
    with pytest.raises(submissions.NotFound):
        submissions.authorise(deps, submitted.application_id, "wrong")
    with pytest.raises(submissions.NotFound):
        submissions.authorise(deps, "nobody", submitted.access_token)
    doc = submissions.authorise(deps, submitted.application_id, submitted.access_token)
    view = views.applicant_view(deps, doc)
    assert view["cnic_masked"] != "3520212345671" and "cnic" not in view
    assert views.status_of(deps, submitted.application_id) == {
        "application_id": submitted.application_id, "status": "submitted", "updated_at": doc["updated_at"]}
    assert views.status_of(deps, "nobody") is None
