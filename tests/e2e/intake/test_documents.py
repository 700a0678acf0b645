"""Documents round-trip encrypted, are typed by content, and are refused by type and size."""
import pytest

from support.intake import JPEG, PDF, PNG, bearer, secrets_env


@pytest.mark.parametrize("kind,content,content_type", [
    ("cnic_front", PNG, "image/png"), ("cnic_back", JPEG, "image/jpeg"), ("ntn_certificate", PDF, "application/pdf"),
])
def test_document_round_trip_for_applicant_and_reviewer_service(client, submit, intake_db, kind, content, content_type):
    application_id, token, _ = submit()
    # the declared name and type are ignored: the content decides
    response = client.put(f"/api/v1/applications/{application_id}/documents/{kind}", headers=bearer(token),
                          files={"file": ("photo.txt", content, "text/plain")})
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == content_type and response.json()["size"] == len(content)
    mine = client.get(f"/api/v1/applications/{application_id}/documents/{kind}", headers=bearer(token))
    assert mine.content == content and mine.headers["content-type"] == content_type
    assert mine.headers["cache-control"] == "no-store"
    service = client.get(f"/api/v1/applications/{application_id}/documents/{kind}",
                         headers=bearer(secrets_env()["INTAKE_SERVICE_TOKEN"]))
    assert service.content == content
    stored = intake_db["documents"].find_one({"_id": f"{application_id}:{kind}"})
    assert content[:64] not in bytes(stored["content"])  # encrypted at rest
    view = client.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
    assert [d["kind"] for d in view["documents"]] == [kind]


def test_documents_are_never_public(client, submit):
    application_id, token, _ = submit()
    client.put(f"/api/v1/applications/{application_id}/documents/cnic_front", headers=bearer(token),
               files={"file": ("f.png", PNG, "image/png")})
    url = f"/api/v1/applications/{application_id}/documents/cnic_front"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer("guess")).status_code == 404
    other_id, other_token, _ = submit()
    assert client.get(url, headers=bearer(other_token)).status_code == 404


@pytest.mark.parametrize("content,status", [
    (b"GIF89a" + bytes(100), 415),
    (b"just text pretending to be a png", 415),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415),
    (b"", 400),
    (PNG + bytes(5 * 1024 * 1024), 413),
], ids=["gif", "text", "svg", "empty", "too-large"])
def test_refused_uploads_store_nothing(client, submit, intake_db, content, status):
    application_id, token, _ = submit()
    response = client.put(f"/api/v1/applications/{application_id}/documents/cnic_front", headers=bearer(token),
                          files={"file": ("cnic.png", content, "image/png")})
    assert response.status_code == status, response.text
    assert intake_db["documents"].count_documents({"application_id": application_id}) == 0
    assert intake_db["applications"].find_one({"_id": application_id})["documents"] == {}


def test_unknown_kind_and_missing_file(client, submit):
    application_id, token, _ = submit()
    assert client.put(f"/api/v1/applications/{application_id}/documents/passport", headers=bearer(token),
                      files={"file": ("f.png", PNG, "image/png")}).status_code == 404
    assert client.put(f"/api/v1/applications/{application_id}/documents/cnic_front", headers=bearer(token),
                      files={"other": ("f.png", PNG, "image/png")}).status_code == 400
