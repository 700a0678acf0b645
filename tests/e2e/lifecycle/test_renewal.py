"""Renewal on the running stack, without waiting a year: verification's worker is deployed with a validity
of ten minutes (so the renewal window, opening 60 days before the expiry, is open at once). The registrant
asks to renew through intake's API with a PRC; refusals name the missing field; the clean request is
approved in principle and a renewal voucher of its own is issued and emailed; once the bank pays it the
registration is renewed one period past its old expiry with the same number, a new certificate is sent,
and verify answers with the new date."""
import datetime as dt

import httpx
import pytest

from eventkit.mongo import get_database
from support.intake import bearer
from support.mail import mails_to, parts
from support.payments import aggregator_client, pay, sandbox_key
from support.redeploy import redeployed
from support.registrations import applicant_view, apply_and_pay

VALIDITY = 600  # seconds
PDF = b"%PDF-1.4\n% proceeds realisation certificate, purpose code 9186\n%%EOF\n"


@pytest.fixture
def short_validity_worker(stack):
    with redeployed(stack, "verification:verification-worker", "verification.entrypoints.worker",
                    REGISTRATION_VALIDITY_DAYS=str(VALIDITY / 86_400)):
        yield


def ask_renewal(stack, application_id: str, token: str, files=None, **form) -> httpx.Response:
    return httpx.post(stack.url("intake", f"/api/v1/applications/{application_id}/renewal"), headers=bearer(token),
                      data=form, files=files, timeout=10)


def test_renewal_with_a_prc_and_its_own_fee_extends_from_the_old_expiry_with_the_same_number(
        stack, bank, short_validity_worker, wait_for):
    data, application_id, token, first = apply_and_pay(stack, bank)
    first_voucher = first["voucher_number"]
    view = wait_for(lambda: (v := applicant_view(stack, application_id, token))["status"] == "approved" and v,
                    timeout=60, message="the registration")
    number = view["registration_number"]
    assert view["renewal"]["open"] is True
    cases = get_database(stack.servers.mongodb_uri, "verification")["cases"]
    old_expiry = cases.find_one({"_id": application_id})["expires_at"]

    refused = ask_renewal(stack, application_id, token, confirm_profile="true")
    assert refused.status_code == 422 and "prc" in refused.json()["errors"], refused.text
    refused = ask_renewal(stack, application_id, token, files={"prc": ("prc.pdf", PDF, "application/pdf")})
    assert refused.status_code == 422 and "confirm_profile" in refused.json()["errors"], refused.text
    refused = ask_renewal(stack, application_id, token, files={"prc": ("prc.txt", b"just text", "text/plain")},
                          confirm_profile="true")
    assert refused.status_code == 422 and "prc" in refused.json()["errors"], refused.text
    assert applicant_view(stack, application_id, token)["status"] == "approved"  # refusals changed nothing

    asked = ask_renewal(stack, application_id, token, files={"prc": ("prc.pdf", PDF, "application/pdf")},
                        confirm_profile="true")
    assert asked.status_code == 202 and asked.json()["status"] == "renewal_requested", asked.text
    again = ask_renewal(stack, application_id, token, files={"prc": ("prc.pdf", PDF, "application/pdf")},
                        confirm_profile="true")
    assert again.status_code == 409, again.text

    voucher = wait_for(lambda: (v := applicant_view(stack, application_id, token).get("voucher"))
                       and v["number"] != first_voucher and v, timeout=60, message="the renewal voucher")
    assert voucher["status"] == "unpaid"
    mail = wait_for(lambda: next((m for m in mails_to(data["email"]) if "Renewal accepted" in m["Subject"]), None),
                    message="the renewal voucher email")
    assert voucher["number"] in parts(mail)["text/plain"].get_content()
    with aggregator_client(sandbox_key()) as client:
        paid = pay(client, {"voucher_number": voucher["number"], "amount": voucher["amount"]},
                   f"T-renewal-{voucher['number']}")
    assert paid.status_code == 200, paid.text

    renewed = wait_for(lambda: (v := applicant_view(stack, application_id, token))["status"] == "approved" and
                       v["timeline"][-1]["note"] == "Renewed" and v, timeout=60, message="the renewal")
    assert renewed["registration_number"] == number and renewed["voucher"]["status"] == "paid"
    case = cases.find_one({"_id": application_id})
    assert case["expires_at"] - old_expiry == dt.timedelta(seconds=VALIDITY)  # from the old expiry
    assert case["decision"]["registration_number"] == number and case["renewal"]["fee_cycle"].startswith("renewal:")
    mail = wait_for(lambda: next((m for m in mails_to(data["email"]) if "is renewed until" in m["Subject"]), None),
                    message="the renewal email with the certificate")
    assert "application/pdf" in parts(mail)
    verdict = httpx.get(stack.url("directory", f"/api/v1/verify/{number}"), timeout=10).json()
    assert verdict["status"] == "valid" and verdict["valid_until"] == renewed["valid_until"]
