"""Revocation and reinstatement on the running stack, four eyes each: an admin asks, the same admin
cannot confirm, a second admin does; then intake shows `revoked` with the registrant's reason, verify
says `revoked` with the date (never the reason), search leaves the freelancer out, and the registrant is
told once. A reinstatement by two admins brings all of it back. A reviewer cannot do any of it."""
import httpx

from support.directory import latin_word
from support.intake import bearer
from support.mail import mails_to
from support.registrations import applicant_view, apply_and_pay
from support.verification import PASSWORD, create_reviewer


def token_of(stack, username: str) -> str:
    response = httpx.post(stack.url("verification", "/api/v1/auth/token"),
                          json={"username": username, "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def verify(stack, number: str) -> dict:
    return httpx.get(stack.url("directory", f"/api/v1/verify/{number}"), timeout=10).json()


def search(stack, q: str) -> list[dict]:
    return httpx.get(stack.url("directory", "/api/v1/freelancers"), params={"q": q}, timeout=10).json()["items"]


def test_two_admins_revoke_then_reinstate_and_every_service_follows(stack, bank, wait_for):
    surname = latin_word()
    data, application_id, access, _ = apply_and_pay(stack, bank, surname)
    number = wait_for(lambda: applicant_view(stack, application_id, access).get("registration_number"), timeout=60,
                      message="the registration")
    wait_for(lambda: search(stack, surname), message="the listing")

    first, second = (token_of(stack, create_reviewer("admin")) for _ in range(2))
    reviewer = token_of(stack, create_reviewer("reviewer"))
    revocation = stack.url("verification", f"/api/v1/registrations/{application_id}/revocation")
    assert httpx.post(revocation, json={"reason": "x"}, headers=bearer(reviewer)).status_code == 403
    assert httpx.post(revocation, json={"reason": "  "}, headers=bearer(first)).status_code == 422
    asked = httpx.post(revocation, json={"reason": "Export remittances were forged"}, headers=bearer(first))
    assert asked.status_code == 202, asked.text
    assert httpx.post(revocation, json={"reason": "again"}, headers=bearer(second)).status_code == 409
    waiting = httpx.get(stack.url("verification", "/api/v1/registrations/awaiting-confirmation"),
                        headers=bearer(second)).json()["items"]
    assert application_id in [item["application_id"] for item in waiting]
    assert httpx.post(f"{revocation}/confirmation", headers=bearer(first)).status_code == 409  # four eyes
    assert verify(stack, number)["status"] == "valid"  # nothing moved before the confirmation
    confirmed = httpx.post(f"{revocation}/confirmation", headers=bearer(second))
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "revoked", confirmed.text
    assert httpx.post(f"{revocation}/confirmation", headers=bearer(second)).status_code == 409  # once

    verdict = wait_for(lambda: (v := verify(stack, number))["status"] == "revoked" and v, message="verify: revoked")
    assert verdict["valid"] is False and verdict["revoked_on"] and "forged" not in str(verdict).lower()
    assert search(stack, surname) == []
    view = wait_for(lambda: (v := applicant_view(stack, application_id, access))["status"] == "revoked" and v,
                    message="intake: revoked")
    assert view["registration_number"] == number and view["timeline"][-1]["reasons"] == [
        "Export remittances were forged"]
    wait_for(lambda: any("has been revoked" in m["Subject"] for m in mails_to(data["email"])),
             message="the revocation email")
    audit = httpx.get(stack.url("verification", f"/api/v1/reviews/{application_id}/audit"),
                      headers=bearer(second)).json()["entries"]
    assert [e["action"] for e in audit if "revocation" in e["action"]] == ["revocation_requested",
                                                                          "revocation_confirmed"]

    reinstatement = stack.url("verification", f"/api/v1/registrations/{application_id}/reinstatement")
    assert httpx.post(reinstatement, json={"reason": "The appeal succeeded"},
                      headers=bearer(second)).status_code == 202
    assert httpx.post(f"{reinstatement}/confirmation", headers=bearer(first)).json()["state"] == "approved"
    wait_for(lambda: verify(stack, number)["status"] == "valid", message="verify: valid again")
    wait_for(lambda: search(stack, surname), message="the listing back in search")
    assert wait_for(lambda: (v := applicant_view(stack, application_id, access))["status"] == "approved" and v,
                    message="intake: approved again")["registration_number"] == number
    wait_for(lambda: any("has been reinstated" in m["Subject"] for m in mails_to(data["email"])),
             message="the reinstatement email")
    subjects = [m["Subject"] for m in mails_to(data["email"])]
    assert sum("has been revoked" in s for s in subjects) == 1, subjects
