"""Status pages reflect verification's decisions, consumed from Kafka by intake's worker.

The applications here are ones the running verification service flags for review (the CNIC
was issued in Punjab, the form says Sindh), so it publishes ApplicationFlagged and then waits
for a reviewer; the tests then publish the reviewer's decision themselves, as verification would."""
import pytest

from eventkit.envelope import encode, new_event
from eventkit.kafka import make_producer
from eventkit.topics import VERIFICATION_EVENTS
from support.intake import bearer, iso_today_plus


@pytest.fixture
def decide(stack):
    """decide(application_id, event_type, **payload): publish a decision as verification would."""
    producer = make_producer(stack.servers.kafka, "test-verification")

    def publish(application_id: str, event_type: str, event: dict | None = None, **payload) -> dict:
        event = event or new_event(event_type, application_id, {"application_id": application_id, **payload},
                                   source="verification")
        producer.send(VERIFICATION_EVENTS, key=application_id.encode(), value=encode(event)).get(timeout=15)
        return event

    yield publish
    producer.close(timeout=10)


def status_of(client, application_id):
    return client.get(f"/api/v1/applications/{application_id}/status").json()["status"]


def submit_flagged(client, submit, wait_for):
    application_id, token, _ = submit()
    wait_for(lambda: status_of(client, application_id) == "in_review", message="verification's flag")
    return application_id, token


def test_flagged_then_approved(client, submit, decide, wait_for):
    application_id, token = submit_flagged(client, submit, wait_for)
    approval = decide(application_id, "ApplicationApproved", registration_number="PSEB-2026-000123-K",
                     valid_until=iso_today_plus(365), reasons=[])
    wait_for(lambda: status_of(client, application_id) == "approved", message="approved")
    decide(application_id, "ApplicationApproved", event=approval)  # redelivered: changes nothing
    view = client.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
    assert view["registration_number"] == "PSEB-2026-000123-K"
    assert view["valid_until"] == iso_today_plus(365)
    assert [e["status"] for e in view["timeline"]] == ["submitted", "in_review", "approved"]
    assert "different province" in view["timeline"][1]["reasons"][0]


def test_rejected_shows_the_reasons(client, submit, decide, wait_for):
    application_id, token = submit_flagged(client, submit, wait_for)
    decide(application_id, "ApplicationRejected", reasons=["The applicant is under 18", "Duplicate identity"])
    wait_for(lambda: status_of(client, application_id) == "rejected", message="rejected")
    view = client.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
    assert view["reasons"] == ["The applicant is under 18", "Duplicate identity"]


def test_decision_after_withdrawal_changes_nothing(client, submit, decide, wait_for, intake_db):
    application_id, token = submit_flagged(client, submit, wait_for)
    client.post(f"/api/v1/applications/{application_id}/withdraw", headers=bearer(token))
    decide(application_id, "ApplicationApproved", registration_number="PSEB-2026-000999-X",
           valid_until=iso_today_plus(365))
    wait_for(lambda: intake_db["processed_events"].find_one({"consumer": "intake-decisions", "key": application_id}),
             message="the decision consumed")
    assert status_of(client, application_id) == "withdrawn"
    view = client.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
    assert view["registration_number"] is None


def test_approved_in_principle_then_registered_once_the_fee_is_paid(client, submit, decide, wait_for):
    application_id, token = submit_flagged(client, submit, wait_for)
    decide(application_id, "ApplicationApprovedInPrinciple", reasons=[])
    wait_for(lambda: status_of(client, application_id) == "awaiting_payment", message="approved in principle")
    decide(application_id, "RegistrationIssued", registration_number="PSEB-2026-000124-K",
           valid_until=iso_today_plus(365), reasons=[])
    wait_for(lambda: status_of(client, application_id) == "approved", message="registered")
    view = client.get(f"/api/v1/applications/{application_id}", headers=bearer(token)).json()
    assert view["registration_number"] == "PSEB-2026-000124-K"
    assert [e["status"] for e in view["timeline"]] == ["submitted", "in_review", "awaiting_payment", "approved"]
    assert "fee is due" in view["timeline"][2]["note"]


def test_a_lapsed_application_frees_the_cnic_for_a_new_one(client, submit, decide, wait_for):
    application_id, _, data = submit()
    wait_for(lambda: status_of(client, application_id) == "in_review", message="verification's flag")
    decide(application_id, "ApplicationApprovedInPrinciple", reasons=[])
    wait_for(lambda: status_of(client, application_id) == "awaiting_payment", message="approved in principle")
    again = {**data, "email": "again." + data["email"]}
    assert client.post("/api/v1/applications", json=again).status_code == 409  # the fee is due: still held
    decide(application_id, "ApplicationLapsed", reasons=["The fee was not paid by its due date"])
    wait_for(lambda: status_of(client, application_id) == "lapsed", message="lapsed")
    assert client.post("/api/v1/applications", json=again).status_code == 202
