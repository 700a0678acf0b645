"""A reviewer asks the applicant for more, on the running stack: the case leaves the queue, intake shows the
request on the status page, notification emails the applicant; the upload of what was asked brings the case
back to the queue with the request as context. Bad requests are refused field by field and change nothing."""
import httpx

from support.intake import PNG, client_from_own_address, valid_application
from support.mail import mails_to


def flagged_application(stack, settled) -> tuple[str, str, dict]:
    data = valid_application(province="Sindh", city="Hyderabad")  # CNIC issued in Punjab: soft flag
    with client_from_own_address(stack.url("intake")) as client:
        body = client.post("/api/v1/applications", json=data).json()
    assert settled(body["application_id"])["state"] == "in_review"
    return body["application_id"], body["access_token"], data


def test_an_upload_of_what_was_asked_returns_the_case_to_the_queue(api, stack, settled, cases, wait_for):
    application_id, token, data = flagged_application(stack, settled)
    asked = api.post(f"/api/v1/reviews/{application_id}/information-request",
                     json={"message": "Upload a sharper photo of the front of your CNIC.", "documents": ["cnic_front"]})
    assert asked.status_code == 202, asked.text
    assert asked.json()["state"] == "awaiting_applicant"
    assert asked.json()["information_request"]["documents"] == ["cnic_front"]
    pending = api.get("/api/v1/reviews", params={"q": application_id}).json()["items"]
    assert pending == []  # out of the queue while the applicant is asked
    waiting = api.get("/api/v1/reviews", params={"q": application_id, "state": "awaiting_applicant"}).json()
    assert [i["application_id"] for i in waiting["items"]] == [application_id]
    wait_for(lambda: any("needs more from you" in m["Subject"] for m in mails_to(data["email"])), timeout=60,
             message="the request's email")
    with httpx.Client(base_url=stack.url("intake"), timeout=15) as intake:
        page = wait_for(lambda: (r := intake.get(f"/api/v1/applications/{application_id}",
                                                headers={"Authorization": f"Bearer {token}"})).status_code == 200
                        and r.json().get("information_request") and r.json(), timeout=30,
                        message="the request kept by intake")
        assert page["information_request"]["outstanding"] == ["cnic_front"]
        uploaded = intake.put(f"/api/v1/applications/{application_id}/documents/cnic_front",
                              headers={"Authorization": f"Bearer {token}"}, files={"file": ("c.png", PNG, "image/png")})
        assert uploaded.status_code in (200, 201), uploaded.text
    back = wait_for(lambda: (c := cases.find_one({"_id": application_id})) and c["state"] == "in_review" and c,
                    timeout=30, message="the case back in review")
    assert back["information_request"]["answered_at"] is not None
    case = api.get(f"/api/v1/reviews/{application_id}").json()
    assert case["information_request"]["message"].startswith("Upload a sharper photo")
    actions = [e["action"] for e in api.get(f"/api/v1/reviews/{application_id}/audit").json()["entries"]]
    assert actions.index("information_requested") < actions.index("information_provided")
    # the reviewer's look at the case reaches the applicant's view: the role and the time, never the name
    with httpx.Client(base_url=stack.url("intake"), timeout=15) as intake:
        looks = wait_for(lambda: intake.get(f"/api/v1/applications/{application_id}",
                                            headers={"Authorization": f"Bearer {token}"}).json()["looks"],
                         timeout=30, message="the look at the record")
    assert {look["role"] for look in looks} == {"reviewer"} and looks[0]["what"] == "case"
    assert set(looks[0]) == {"role", "what", "at"}


def test_a_bad_request_is_refused_field_by_field_and_changes_nothing(api, stack, settled, cases):
    application_id, _, _ = flagged_application(stack, settled)
    refused = api.post(f"/api/v1/reviews/{application_id}/information-request",
                       json={"message": "  ", "documents": ["passport"], "fields": ["cnic"], "extra": 1})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) >= {"message", "documents", "fields", "extra"}
    assert cases.find_one({"_id": application_id})["state"] == "in_review"
    assert api.post("/api/v1/reviews/nosuchcase/information-request", json={"message": "x"}).status_code == 404
