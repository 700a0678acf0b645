"""Erasure on the running stack: an applicant whose application was rejected asks for their data to be erased.
Afterwards nothing they filed can be read back — not from any service's collections (read as an export of each
database would hold them), nor by replaying the topics from the beginning and opening what the events carry with
the services' own credentials (what any rebuild of a read model does), nor from intake's key store; verification
reports its completion. Also: the service key that wraps the data keys is rotated by the CLI without losing one."""
import base64
import io
import json
import os
import subprocess
import sys
import uuid
import zipfile

import httpx
import pytest
from bson import json_util

from eventkit.mongo import get_database
from eventkit.topics import INTAKE_EVENTS, VERIFICATION_EVENTS
from support.directory import latin_word
from support.intake import (bearer, client_from_own_address, csrf_from, open_sealed_part, secrets_env,
                            valid_application)
from support.kafka import SESSION_STARTED_MS, read_messages

DATABASES = ("intake", "verification", "notification", "payments", "directory")


def rejected_application(stack, wait_for) -> tuple[str, str, dict]:
    """(id, access token, data) of an application the checks reject (a disposable email address)."""
    data = valid_application(full_name=f"Erasure {latin_word()}",
                             email=f"erase.{uuid.uuid4().hex[:10]}@mailinator.com")
    with client_from_own_address(stack.url("intake")) as client:
        answer = client.post("/api/v1/applications", json=data)
    assert answer.status_code == 202, answer.text
    application_id, token = answer.json()["application_id"], answer.json()["access_token"]
    wait_for(lambda: httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}/status")).json()["status"]
             == "rejected", timeout=60, message="the rejection")
    return application_id, token, data


def personal_values(data: dict) -> list[str]:
    """What the applicant filed that identifies them, as it may be stored (CNIC and mobile normalised)."""
    return [data["cnic"], data["cnic"].replace("-", ""), data["email"], data["email"].split("@")[0],
            data["mobile"][-7:], data["address"], data["father_name"] if data["father_name"] != "Imran Khan" else None,
            data["full_name"], data["date_of_birth"]]


def exported(stack, application_id: str) -> str:
    """Every document of every service's database that names the application, as an export would write them."""
    client_docs = []
    for name in DATABASES:
        database = get_database(stack.servers.mongodb_uri, name)
        for collection in database.list_collection_names():
            if collection.startswith("system.") or collection.endswith((".files", ".chunks")):
                continue
            found = database[collection].find({"$or": [{"_id": application_id}, {"application_id": application_id},
                                                       {"_id": {"$regex": f"^{application_id}[:.]"}}]}).limit(50)
            client_docs.extend((name, collection, doc) for doc in found)
    return json_util.dumps(client_docs)


def test_an_erased_applicant_cannot_be_read_back_from_any_collection_topic_or_key(stack, wait_for):
    application_id, token, data = rejected_application(stack, wait_for)
    with httpx.Client(base_url=stack.url("intake"), timeout=30) as intake:
        filed = intake.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
        assert filed["email"] == data["email"]
        before = exported(stack, application_id)
        assert data["full_name"] in before  # the export finds the application's documents

        answer = intake.post(f"/api/v1/applications/{application_id}/erasure", headers=bearer(token))
        assert answer.status_code == 202, answer.text
        assert answer.json()["erasure"]["cause"] == "applicant"
        done = wait_for(lambda: (e := intake.get(f"/api/v1/applications/{application_id}/erasure",
                                                 headers=bearer(token)).json()["erasure"])
                        and "verification" in e["completed_by"] and e, timeout=30, message="verification's report")
        assert {"intake", "verification"} <= set(done["completed_by"])
        view = intake.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
        assert view["status"] == "rejected" and view["erasure"] and "email" not in view
        again = intake.post(f"/api/v1/applications/{application_id}/erasure", headers=bearer(token))
        assert again.status_code == 202 and again.json()["erasure"]["at"] == answer.json()["erasure"]["at"]

    after = exported(stack, application_id)
    assert application_id in after  # the decision and timeline stay
    leaked = [value for value in personal_values(data) if value and value in after]
    assert not leaked, f"still stored after the erasure: {leaked}"
    tombstone = get_database(stack.servers.mongodb_uri, "intake")["data_keys"].find_one({"_id": application_id})
    assert set(tombstone) == {"_id", "destroyed_at", "created_at"}  # the keys are gone; only when, is kept

    # Replaying the topics: every event about the applicant still exists, and none can be opened any more.
    events = [json.loads(m.value) for topic in (INTAKE_EVENTS, VERIFICATION_EVENTS)
              for m in read_messages(stack.servers.kafka, topic, 50, lambda m: m.key == application_id.encode(),
                                     timeout_s=10, since_ms=SESSION_STARTED_MS)]
    assert {"ApplicationSubmitted", "ApplicationRejected", "ApplicationErased", "ErasureCompleted"} <= {
        e["event_type"] for e in events}
    sealed = [(e["payload"][part], token) for e in events
              for part, token in (("profile", "INTAKE_SERVICE_TOKEN"), ("sealed", "INTAKE_SERVICE_TOKEN"),
                                  ("contact", "NOTIFICATION_SERVICE_TOKEN")) if e["payload"].get(part)]
    assert len(sealed) >= 4
    for part, token_name in sealed:
        with pytest.raises(httpx.HTTPStatusError) as refused:
            open_sealed_part(stack.url("intake"), part, token_name)
        assert refused.value.response.status_code == 410  # the key is gone for good
    clear = json.dumps([{k: v for k, v in e["payload"].items() if k not in ("profile", "sealed", "contact", "code")}
                        for e in events])
    assert not [v for v in (data["full_name"], data["cnic"].replace("-", ""), data["email"], data["mobile"][-7:],
                            data["address"], data["headline"]) if v in clear]


def run_intake_cli(*args: str, **settings: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **secrets_env(), "LOG_LEVEL": "WARNING", **settings}
    return subprocess.run([sys.executable, "-m", "intake.entrypoints.cli", *args], env=env, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)


def test_the_wrapping_key_rotates_without_losing_a_data_key(stack, wait_for):
    """Every data key is re-wrapped under a new INTAKE_PII_KEY (the old one given in INTAKE_PII_KEYS_OLD), and
    still opens what it sealed; then rotated back, leaving the stack as it was."""
    application_id, token, data = rejected_application(stack, wait_for)
    keys = get_database(stack.servers.mongodb_uri, "intake")["data_keys"]
    before = keys.find_one({"_id": application_id})
    current, new = secrets_env()["INTAKE_PII_KEY"], base64.b64encode(os.urandom(32)).decode()
    rotated = run_intake_cli("rewrap-data-keys", INTAKE_PII_KEY=new, INTAKE_PII_KEYS_OLD=current)
    try:
        assert rotated.returncode == 0, rotated.stderr
        assert "re-wrapping data keys" in rotated.stderr and "re-wrapped" in rotated.stdout
        after = keys.find_one({"_id": application_id})
        assert after["wrapped_by"] != before["wrapped_by"] and after["keys"] != before["keys"]
        assert keys.count_documents({"wrapped_by": before["wrapped_by"]}) == 0
    finally:
        back = run_intake_cli("rewrap-data-keys", INTAKE_PII_KEY=current, INTAKE_PII_KEYS_OLD=new)
        assert back.returncode == 0, back.stderr
    assert keys.find_one({"_id": application_id})["wrapped_by"] == before["wrapped_by"]
    with httpx.Client(base_url=stack.url("intake"), timeout=30) as intake:
        view = intake.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
    assert view["email"] == data["email"]  # the record opens as before, with the same data key


def test_the_applicant_downloads_all_their_data_and_erases_it_from_the_status_page(stack, wait_for):
    application_id, token, data = rejected_application(stack, wait_for)
    with httpx.Client(base_url=stack.url("intake"), timeout=30) as intake:
        archive = intake.get(f"/api/v1/applications/{application_id}/export", headers=bearer(token))
        assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
        assert archive.headers["cache-control"] == "no-store"
        assert intake.get(f"/api/v1/applications/{application_id}/export", headers=bearer("wrong")).status_code == 404
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        record = json.loads(opened.read("application.json"))
    assert record["filed"]["cnic"] == data["cnic"].replace("-", "") and record["filed"]["email"] == data["email"]
    assert record["status"] == "rejected" and record["timeline"]

    with client_from_own_address(stack.url("intake")) as client:
        status = client.get("/status", params={"application_id": application_id})
        form = {"application_id": application_id, "access_token": token, "csrf_token": csrf_from(status.text)}
        details = client.post("/status", data=form)
        assert 'id="erasure-form"' in details.text and 'id="download-data"' in details.text
        download = client.post("/status/export", data=form)
        assert download.status_code == 200 and download.content[:2] == b"PK"
        unconfirmed = client.post("/status/erasure", data=form)
        assert unconfirmed.status_code == 422 and "confirm_erasure-error" in unconfirmed.text
        assert httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}/erasure"),
                         headers=bearer(token)).json()["erasure"] is None  # nothing happened
        erased = client.post("/status/erasure?lang=ur", data={**form, "confirm_erasure": "yes"})
        assert erased.status_code == 202 and 'id="erased-banner"' in erased.text and 'lang="ur"' in erased.text
        assert data["email"] not in erased.text
        again = client.post("/status/erasure", data={**form, "confirm_erasure": "yes"})
        assert again.status_code == 409


def test_the_retention_report_lists_what_the_policy_erases_next(stack, wait_for):
    """The report (read only) with a retention of zero days lists a just-rejected application; with the default
    two years it does not."""
    application_id, _, _ = rejected_application(stack, wait_for)
    now = run_intake_cli("erasure-report", "--days", "0", ERASE_CLOSED_AFTER_DAYS="0")
    assert now.returncode == 0, now.stderr
    assert f"{application_id}  rejected" in now.stdout and "applications erased by" in now.stderr
    default = run_intake_cli("erasure-report", "--days", "30")
    assert default.returncode == 0 and application_id not in default.stdout
