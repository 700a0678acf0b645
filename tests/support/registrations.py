"""Registered applicants for the lifecycle's tests: a clean application through intake's API, its fee paid at
the bank sandbox (through the aggregator API), and the applicant's own view of it."""
import httpx

from support.directory import latin_word
from support.intake import bearer, client_from_own_address
from support.traffic import application_of_kind


def apply_and_pay(stack, bank, surname: str | None = None) -> tuple[dict, str, str, dict]:
    """(the application's data, its id, its access token, the voucher paid) of a clean application whose fee
    the bank paid; it is registered soon after."""
    data = application_of_kind("clean", surname or latin_word())
    with client_from_own_address(stack.url("intake")) as client:
        response = client.post("/api/v1/applications", json=data)
    assert response.status_code == 202, response.text
    application_id, token = response.json()["application_id"], response.json()["access_token"]
    return data, application_id, token, bank.pay_and_wait(application_id)


def applicant_view(stack, application_id: str, token: str) -> dict:
    """What the applicant sees with their access token (GET /api/v1/applications/{id})."""
    return httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}"), headers=bearer(token),
                     timeout=10).json()
