"""Reviewers work the queue through the API: roles enforced, decisions once, everything audited."""
import httpx
import pytest

from domainkit.registration import parse_registration_number
from support.intake import PNG


@pytest.fixture
def flagged(apply, settled):
    """flagged() -> (application_id, applicant token) of a case waiting for a reviewer."""
    def make():
        application_id, token = apply(province="Sindh", city="Hyderabad")  # CNIC issued in Punjab: soft flag
        assert settled(application_id)["state"] == "in_review"
        return application_id, token
    return make


def pending_ids(api) -> list[str]:
    """Every pending case, page by page (a stack that has run the drills holds hundreds)."""
    ids, cursor = [], None
    while True:
        params = {"state": "pending", "limit": 200, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/reviews", params=params).json()
        ids += [item["application_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def test_the_queue_is_paged_without_gaps_or_repeats(api, flagged):
    mine = {flagged()[0] for _ in range(3)}
    ids = pending_ids(api)
    assert len(ids) == len(set(ids)) and mine <= set(ids)
    first = api.get("/api/v1/reviews", params={"state": "pending", "limit": 2}).json()
    second = api.get("/api/v1/reviews", params={"state": "pending", "limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["application_id"] for i in first["items"] + second["items"]] == ids[:4]
    assert api.get("/api/v1/reviews", params={"cursor": "garbage!"}).status_code == 422


def test_requests_without_a_token_or_with_the_wrong_role_are_refused(stack, flagged, reviewer_token):
    application_id, _ = flagged()
    url = stack.url("verification", f"/api/v1/reviews/{application_id}/decision")
    assert httpx.post(url, json={"decision": "approve"}).status_code == 401
    assert httpx.post(url, json={"decision": "approve"}, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    auditor = {"Authorization": f"Bearer {reviewer_token('auditor')}"}
    assert httpx.post(url, json={"decision": "approve"}, headers=auditor).status_code == 403
    assert httpx.get(stack.url("verification", "/api/v1/reviews?state=pending"), headers=auditor).status_code == 200
    assert httpx.post(stack.url("verification", "/api/v1/reviewers"), headers={
        "Authorization": f"Bearer {reviewer_token('reviewer')}"},
        json={"username": "someone", "password": "x" * 12, "role": "admin"}).status_code == 403
    assert httpx.get(stack.url("verification", "/api/v1/reviews")).status_code == 401


def test_wrong_password_gets_no_token(stack):
    response = httpx.post(stack.url("verification", "/api/v1/auth/token"), json={"username": "nobody", "password": "x"})
    assert response.status_code == 401


def test_reviewer_approves_a_flagged_case(api, flagged, stack, bank, wait_for):
    application_id, applicant_token = flagged()
    assert application_id in pending_ids(api)
    case = api.get(f"/api/v1/reviews/{application_id}").json()
    assert case["state"] == "in_review" and case["applicant"]["cnic"].isdigit()
    assert {c["check"] for c in case["checks"]} >= {"cnic_format", "cnic_province", "cnic_gender", "age",
                                                    "duplicate_identity", "shared_contact", "platform_profiles",
                                                    "disposable_email", "blocklist"}
    decided = api.post(f"/api/v1/reviews/{application_id}/decision",
                       json={"decision": "approve", "reason": "CNIC issued in Punjab; lives in Sindh. Fine."})
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "awaiting_payment"  # approved in principle: the fee comes next
    again = api.post(f"/api/v1/reviews/{application_id}/decision", json={"decision": "reject", "reason": "oops"})
    assert again.status_code == 409
    wait_for(lambda: httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}/status")).json()["status"]
             == "awaiting_payment", message="intake to show the approval in principle")
    bank.pay_and_wait(application_id)
    wait_for(lambda: httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}/status")).json()["status"]
             == "approved", message="intake to show the registration once the fee is paid")
    number = api.get(f"/api/v1/reviews/{application_id}").json()["decision"]["registration_number"]
    assert parse_registration_number(number).check_ok


def test_reviewer_rejects_with_a_reason_the_applicant_sees(api, flagged, stack, wait_for):
    application_id, applicant_token = flagged()
    no_reason = api.post(f"/api/v1/reviews/{application_id}/decision", json={"decision": "reject"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    bad = api.post(f"/api/v1/reviews/{application_id}/decision", json={"decision": "maybe", "$where": 1})
    assert bad.status_code == 422
    reason = "The CNIC images are unreadable; apply again with clear photos."
    assert api.post(f"/api/v1/reviews/{application_id}/decision",
                    json={"decision": "reject", "reason": reason}).status_code == 200
    view = wait_for(lambda: (v := httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}"),
                                            headers={"Authorization": f"Bearer {applicant_token}"}).json())
                    and v["status"] == "rejected" and v, message="intake to show the rejection")
    assert view["reasons"] == [reason]


def test_withdrawn_mid_review_is_never_approved(api, flagged, stack, cases, wait_for):
    application_id, applicant_token = flagged()
    httpx.post(stack.url("intake", f"/api/v1/applications/{application_id}/withdraw"),
               headers={"Authorization": f"Bearer {applicant_token}"})
    wait_for(lambda: cases.find_one({"_id": application_id})["state"] == "withdrawn", message="case withdrawn")
    response = api.post(f"/api/v1/reviews/{application_id}/decision", json={"decision": "approve"})
    assert response.status_code == 409
    assert cases.find_one({"_id": application_id})["decision"] is None


def test_documents_are_fetched_from_intake_and_every_look_is_audited(api, flagged, stack, wait_for, cases):
    application_id, applicant_token = flagged()
    httpx.put(stack.url("intake", f"/api/v1/applications/{application_id}/documents/cnic_front"),
              headers={"Authorization": f"Bearer {applicant_token}"}, files={"file": ("f.png", PNG, "image/png")})
    wait_for(lambda: "cnic_front" in cases.find_one({"_id": application_id})["documents"],
             message="verification to hear of the document")
    document = api.get(f"/api/v1/reviews/{application_id}/documents/cnic_front")
    assert document.status_code == 200 and document.content == PNG
    api.get(f"/api/v1/reviews/{application_id}")
    api.post(f"/api/v1/reviews/{application_id}/decision", json={"decision": "approve"})
    entries = api.get(f"/api/v1/reviews/{application_id}/audit").json()["entries"]
    actions = [(e["actor"].split(":")[0], e["action"]) for e in entries]
    assert actions == [("system", "application_received"), ("system", "sent_to_review"),
                       ("reviewer", "document_viewed"), ("reviewer", "case_viewed"),
                       ("reviewer", "approved_in_principle")]
    assert all(e["at"] for e in entries)
    assert "cnic_front" in entries[2]["detail"]
