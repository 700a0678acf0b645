"""Erasure with fakes: only applications that ended without a registration on request; the keys destroyed (the
record and every event part unreadable), the documents and personal fields gone, ApplicationErased the only event
left in the outbox; completions noted; the retention policy's report and its daily erasure."""
import datetime as dt
import json

import pytest

from intake.domain import application as lifecycle
from intake.domain.erasure import NotErasable
from intake.service_layer import erasure, submissions, views
from servicekit.crypto import KeyErased

from .conftest import NOW


def closed(deps, application, status=lifecycle.REJECTED, ended=NOW, **fields):
    submitted = submissions.submit(deps, application(**fields))
    doc = deps.applications.docs[submitted.application_id]
    doc.update(status=status, updated_at=ended)
    deps.documents.put(submitted.application_id, "cnic_front", "image/png", b"png")
    return doc


def test_an_erasure_destroys_the_keys_and_leaves_nothing_personal(deps, application):
    doc = closed(deps, application, full_name="Zainab Qureshi")
    event_parts = [doc["outbox"][0]["event"]["payload"][part] if "event" in doc["outbox"][0]
                   else doc["outbox"][0]["payload"][part] for part in ("sealed", "contact")]
    record = doc["pii"]
    result = erasure.erase(deps, dict(doc))
    assert result["erasure"]["cause"] == "applicant" and set(result["erasure"]["completed_by"]) == {"intake"}
    stored = deps.applications.docs[doc["_id"]]
    assert "Zainab" not in json.dumps(stored, default=str) and "pii" not in stored and "cnic_index" not in stored
    assert [e["event_type"] for e in stored["outbox"]] == ["ApplicationErased"]
    assert deps.documents.get(doc["_id"], "cnic_front") is None
    for sealed in (record, *event_parts):
        with pytest.raises(KeyErased):
            deps.data_keys.keyring().unseal(sealed)
    assert erasure.erase(deps, stored)["erasure"] == result["erasure"]  # asked again: the same answer


def test_open_applications_and_registrations_are_not_erased_on_request(deps, application):
    for status in (lifecycle.SUBMITTED, lifecycle.APPROVED, lifecycle.EXPIRED):
        doc = closed(deps, application, status=status, cnic=f"35202{status.__hash__() % 10**7:07d}1")
        with pytest.raises(NotErasable):
            erasure.erase(deps, dict(doc))
        assert deps.data_keys.key(f"{doc['_id']}.record")  # untouched


def test_completions_are_noted_once(deps, application):
    doc = closed(deps, application)
    erasure.erase(deps, dict(doc))
    report = {"event_type": "ErasureCompleted", "payload": {"application_id": doc["_id"], "service": "verification"}}
    erasure.record_completion(deps, report)
    erasure.record_completion(deps, report)
    assert set(deps.applications.docs[doc["_id"]]["erasure"]["completed_by"]) == {"intake", "verification"}


def test_the_policy_reports_and_erases_what_ended_long_enough_ago(deps, application):
    policy = erasure.RetentionPolicy(closed_after_days=730, registrations_after_years=10)
    old = closed(deps, application, ended=NOW - dt.timedelta(days=731), cnic="3520212345001")
    soon = closed(deps, application, status=lifecycle.WITHDRAWN, ended=NOW - dt.timedelta(days=720),
                  cnic="3520212345002")
    kept = closed(deps, application, status=lifecycle.REVOKED, ended=NOW - dt.timedelta(days=3000),
                  cnic="3520212345003")  # a registration: kept ten years
    assert [d["application_id"] for d in erasure.due(deps, policy, NOW)] == [old["_id"]]
    ahead = erasure.due(deps, policy, NOW + dt.timedelta(days=30))
    assert [d["application_id"] for d in ahead] == [old["_id"], soon["_id"]]
    assert ahead[1]["erase_on"] == soon["updated_at"] + dt.timedelta(days=730)
    assert erasure.erase_due(deps, policy) == 1
    assert deps.applications.docs[old["_id"]]["erasure"]["cause"] == "retention"
    assert not deps.applications.docs[soon["_id"]].get("erasure") and not deps.applications.docs[kept["_id"]].get(
        "erasure")


def test_the_archive_holds_what_was_filed_and_every_document(deps, application):
    import io
    import zipfile

    from intake.service_layer import export

    doc = closed(deps, application)
    doc["documents"] = {"cnic_front": {"kind": "cnic_front", "content_type": "image/png", "size": 3}}
    with zipfile.ZipFile(io.BytesIO(export.archive_of(deps, doc))) as archive:
        record = json.loads(archive.read("application.json"))
        assert archive.read("documents/cnic_front.png") == b"png"
    assert record["filed"]["cnic"] == "3520212345671" and record["status"] == "rejected"
    erasure.erase(deps, dict(doc))
    with zipfile.ZipFile(io.BytesIO(export.archive_of(deps, deps.applications.docs[doc["_id"]]))) as archive:
        assert archive.namelist() == ["application.json"]
        assert "filed" not in json.loads(archive.read("application.json"))


def test_an_erasure_interrupted_after_the_keys_went_is_finished_by_the_next_attempt(deps, application):
    doc = closed(deps, application, status=lifecycle.WITHDRAWN)
    deps.erasures.start(doc["_id"], (lifecycle.WITHDRAWN,), NOW)
    deps.data_keys.destroy(doc["_id"], NOW)  # ... and the process died here
    view = views.applicant_view(deps, deps.applications.docs[doc["_id"]])
    assert view["erasure"]["at"] == NOW and "email" not in view  # the page shows it under way, not a failure
    assert erasure.due(deps, erasure.RetentionPolicy(closed_after_days=0), NOW + dt.timedelta(seconds=1))
    result = erasure.erase(deps, deps.applications.docs[doc["_id"]], "retention")
    assert result["erasure"]["completed_by"] == {"intake": NOW}
    assert "pii" not in deps.applications.docs[doc["_id"]]
