"""The document routes with the service layer on in-memory repositories: an upload is stored and announced,
the applicant and the service token read it back, anything else is refused with the right status."""
import base64
import io

import pytest

from intake.service_layer import submissions

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
KEY = base64.b64encode(bytes(32)).decode()


@pytest.fixture
def client(deps, monkeypatch):
    from intake.entrypoints import app as intake_app
    from intake.entrypoints.api import applications

    monkeypatch.setattr(applications, "intake_for", lambda config: deps)
    app = intake_app.create_app({"TESTING": True, "SETTINGS": {
        "pii_key": KEY, "event_pii_key": KEY, "cnic_index_key": KEY, "secret_key": "s",
        "service_token": "svc-token", "document_max_bytes": 1024}})
    return app.test_client()


def test_upload_then_read_back_by_the_applicant_and_the_service(client, deps, application):
    submitted = submissions.submit(deps, application())
    applicant = {"Authorization": f"Bearer {submitted.access_token}"}
    url = f"/api/v1/applications/{submitted.application_id}/documents/cnic_front"
    response = client.put(url, data={"file": (io.BytesIO(PNG), "x.png")}, headers=applicant)
    assert response.status_code == 201 and response.json["content_type"] == "image/png"
    assert deps.applications.docs[submitted.application_id]["outbox"][-1]["event_type"] == "DocumentUploaded"
    assert client.get(url, headers=applicant).data == PNG
    assert client.get(url, headers={"Authorization": "Bearer svc-token"}).data == PNG
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 404


@pytest.mark.parametrize("content,status", [(b"GIF89a" + bytes(10), 415), (b"", 400), (PNG + bytes(2048), 413)])
def test_refused_uploads_store_nothing(client, deps, application, content, status):
    submitted = submissions.submit(deps, application())
    response = client.put(f"/api/v1/applications/{submitted.application_id}/documents/cnic_back",
                          data={"file": (io.BytesIO(content), "f")},
                          headers={"Authorization": f"Bearer {submitted.access_token}"})
    assert response.status_code == status
    assert deps.documents.stored == {} and deps.applications.docs[submitted.application_id]["documents"] == {}
