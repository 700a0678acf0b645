"""The CNIC is never stored, published or logged in clear, anywhere the running system writes."""
import json
from pathlib import Path

from bson import encode as bson_encode

from eventkit.mongo import get_client
from support.intake import PNG, bearer

LOGS = Path(__file__).resolve().parents[3] / ".local" / "logs"


def test_cnic_never_in_clear(client, submit, published, stack, wait_for, intake_db):
    application_id, token, data = submit(mobile="0345-7654321")
    client.put(f"/api/v1/applications/{application_id}/documents/cnic_front", headers=bearer(token),
               files={"file": ("f.png", PNG, "image/png")})
    client.patch(f"/api/v1/applications/{application_id}", headers=bearer(token), json={"city": "Multan"})
    wait_for(lambda: not intake_db["applications"].find_one({"_id": application_id})["outbox_pending"],
             message="the outbox published")
    digits = data["cnic"].replace("-", "")
    needles = [digits.encode(), data["cnic"].encode(), b"3457654321", data["email"].encode()]

    client_ = get_client(stack.servers.mongodb_uri)
    for db_name in ("intake", "verification", "notification", "directory"):
        db = client_[db_name]
        for collection in db.list_collection_names():
            for doc in db[collection].find():
                raw = bson_encode(doc)
                assert not any(n in raw for n in needles), f"personal data in clear in {db_name}.{collection}"

    for message in published(application_id, 3):
        assert not any(n in message.value for n in needles), "personal data in clear on intake.events"

    for log in LOGS.glob("*.log"):
        text = log.read_bytes()
        assert digits.encode() not in text and data["cnic"].encode() not in text, f"CNIC in {log.name}"


def test_status_and_errors_never_echo_the_cnic(client, submit):
    application_id, _, data = submit()
    duplicate = client.post("/api/v1/applications", json={**json.loads(json.dumps(data)), "email": "x@example.pk"})
    assert duplicate.status_code == 409 and data["cnic"] not in duplicate.text
    bad = client.post("/api/v1/applications", json={**data, "cnic": data["cnic"] + "9"})
    assert bad.status_code == 422 and data["cnic"] not in bad.text
