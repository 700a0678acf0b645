"""Submitting applications to the running intake service: accepted ones are stored
encrypted and published exactly as stored; duplicates are refused."""
import json

import httpx
import pytest
from cryptography.exceptions import InvalidTag

from eventkit.envelope import decode
from servicekit.crypto import Sealer
from support.intake import bearer, event_key, open_sealed_part, random_cnic, valid_application


def test_valid_application_is_accepted_and_its_event_published_as_stored(submit, intake_db, published, wait_for,
                                                                        stack):
    application_id, token, data = submit()
    doc = wait_for(lambda: (d := intake_db["applications"].find_one({"_id": application_id}))
                   and not d["outbox_pending"] and d, message="the event published")
    assert doc["status"] in ("submitted", "in_review")
    assert doc["public"]["full_name"] == data["full_name"]
    stored_event = doc["outbox"][0]["event"]
    [message] = published(application_id)
    assert decode(message.value) == stored_event  # on Kafka exactly as stored
    assert stored_event["event_type"] == "ApplicationSubmitted"
    payload = stored_event["payload"]
    assert set(payload) == {"application_id", "profile", "sealed", "contact", "payer", "language"}
    intake_url = stack.url("intake")
    assert open_sealed_part(intake_url, payload["profile"], "INTAKE_SERVICE_TOKEN") == doc["public"]
    assert data["full_name"] not in json.dumps(payload)  # nothing of the applicant in the clear
    private = open_sealed_part(intake_url, payload["sealed"], "INTAKE_SERVICE_TOKEN")  # verification's part
    assert private["cnic"] == data["cnic"].replace("-", "")
    assert private["mobile"] == "+92" + data["mobile"][1:].replace("-", "")
    assert private["date_of_birth"] == data["date_of_birth"]
    # notification's part: the contact details alone, under a key of this application that only it may fetch
    contact = open_sealed_part(intake_url, payload["contact"], "NOTIFICATION_SERVICE_TOKEN")
    assert contact == {"full_name": data["full_name"], "email": data["email"], "mobile": private["mobile"]}
    crossed = ((payload["sealed"], "NOTIFICATION_SERVICE_TOKEN"), (payload["contact"], "INTAKE_SERVICE_TOKEN"))
    # payments' part: the name alone, for the fee voucher
    assert open_sealed_part(intake_url, payload["payer"], "PAYMENTS_SERVICE_TOKEN") == {"full_name": data["full_name"]}
    for sealed, token in (*crossed, (payload["profile"], "NOTIFICATION_SERVICE_TOKEN"),
                          (payload["payer"], "INTAKE_SERVICE_TOKEN"), (payload["contact"], "PAYMENTS_SERVICE_TOKEN")):
        with pytest.raises(httpx.HTTPStatusError) as refused:
            open_sealed_part(intake_url, sealed, token)
        assert refused.value.response.status_code == 403
    with pytest.raises(InvalidTag):  # nor does the shared key of earlier versions open it
        Sealer(event_key()).unseal("v1:" + payload["sealed"].split(":", 2)[2])


def test_applicant_view_needs_the_token_and_masks_the_cnic(client, submit):
    application_id, token, data = submit()
    assert client.get(f"/api/v1/applications/{application_id}").status_code == 401
    assert client.get(f"/api/v1/applications/{application_id}", headers=bearer("wrong")).status_code == 404
    view = client.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
    assert view["cnic_masked"].endswith(data["cnic"][-5:])
    assert data["cnic"] not in json.dumps(view) and data["cnic"].replace("-", "") not in json.dumps(view)
    assert view["email"] == data["email"] and view["status"] in ("submitted", "in_review")
    assert view["timeline"][0]["status"] == "submitted"


def test_public_status_carries_no_personal_data(client, submit):
    application_id, _, data = submit()
    status = client.get(f"/api/v1/applications/{application_id}/status").json()
    assert set(status) == {"application_id", "status", "updated_at"}
    assert client.get("/api/v1/applications/nosuchapplication/status").status_code == 404


def test_same_cnic_in_either_form_is_refused_while_active_and_free_after_withdrawal(client, submit, intake_db):
    cnic = random_cnic()
    application_id, token, _ = submit(cnic=cnic)
    stored = intake_db["applications"].count_documents({})
    again = client.post("/api/v1/applications", json=valid_application(cnic=cnic.replace("-", "")))
    assert again.status_code == 409
    assert intake_db["applications"].count_documents({}) == stored
    assert client.post(f"/api/v1/applications/{application_id}/withdraw", headers=bearer(token)).json()["status"] \
        == "withdrawn"
    assert client.post(f"/api/v1/applications/{application_id}/withdraw", headers=bearer(token)).status_code == 409
    assert client.post("/api/v1/applications", json=valid_application(cnic=cnic)).status_code == 202


def test_amend_publishes_the_whole_amended_application(client, submit, published, stack):
    application_id, token, _ = submit()
    response = client.patch(f"/api/v1/applications/{application_id}", headers=bearer(token),
                            json={"city": "Karachi", "province": "Sindh", "skills": ["seo"]})
    assert response.status_code == 200, response.text
    assert response.json()["city"] == "Karachi" and response.json()["father_name"] == "Imran Khan"
    submitted, amended = published(application_id, 2)
    assert decode(amended.value)["event_type"] == "ApplicationAmended"
    profile = open_sealed_part(stack.url("intake"), decode(amended.value)["payload"]["profile"], "INTAKE_SERVICE_TOKEN")
    assert profile["skills"] == ["seo"] and profile["city"] == "Karachi"
    refused = client.patch(f"/api/v1/applications/{application_id}", headers=bearer(token), json={"cnic": "x"})
    assert refused.status_code == 422 and "cnic" in refused.json()["errors"]
    client.post(f"/api/v1/applications/{application_id}/withdraw", headers=bearer(token))
    assert client.patch(f"/api/v1/applications/{application_id}", headers=bearer(token),
                        json={"city": "Quetta"}).status_code == 409


def test_skills_taxonomy_is_published(client):
    skills = client.get("/api/v1/skills").json()
    assert len(skills) >= 30
    assert {"slug", "name", "category"} == set(skills[0])
    assert {"Software development", "Design and creative", "Digital marketing"} <= {s["category"] for s in skills}

