"""Payments on the running stack: verification's approval in principle of a clean application issues a
fee voucher (VoucherIssued on payments.events) that intake shows the applicant; the bank sandbox pays it
through the aggregator API, from its CLI and from its page, once (FeePaid: verification registers the
application, intake shows it paid); a withdrawal on intake.events cancels an unpaid one, and the
applicant's withdrawal while the fee is due takes effect everywhere once the voucher is cancelled."""
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from eventkit.envelope import decode, encode, new_event
from eventkit.kafka import make_producer
from eventkit.mongo import get_database
from eventkit.topics import INTAKE_EVENTS, PAYMENTS_EVENTS, VERIFICATION_EVENTS
from support.directory import latin_word
from support.intake import bearer, client_from_own_address, secrets_env
from support.kafka import SESSION_STARTED_MS, read_messages
from support.traffic import application_of_kind

SANDBOX = Path(__file__).resolve().parents[3] / "deploy" / "local" / "bank_sandbox.py"
SANDBOX_URL = f"http://127.0.0.1:{os.environ.get('BANK_SANDBOX_PORT', 8010)}"


@pytest.fixture(scope="module")
def producer(stack):
    p = make_producer(stack.servers.kafka, "test-payments")
    yield p
    p.close(timeout=10)


def published(stack, application_id: str, event_type: str, timeout_s: float = 30) -> dict:
    """The first `event_type` payments published for the application (the relay may send one twice)."""
    found = read_messages(stack.servers.kafka, PAYMENTS_EVENTS, 1,
                          lambda m: m.key == application_id.encode()
                          and dict(m.headers).get("event_type") == event_type.encode(),
                          timeout_s=timeout_s, since_ms=SESSION_STARTED_MS)
    assert found, f"no {event_type} for {application_id} on {PAYMENTS_EVENTS}"
    return decode(found[0].value)


def redeliver_approval(stack, producer, application_id: str) -> None:
    """Send verification's approval in principle of the application again, as a relay retry would."""
    [approval] = read_messages(stack.servers.kafka, VERIFICATION_EVENTS, 1,
                               lambda m: m.key == application_id.encode()
                               and dict(m.headers).get("event_type") == b"ApplicationApprovedInPrinciple",
                               timeout_s=30, since_ms=SESSION_STARTED_MS)
    producer.send(VERIFICATION_EVENTS, key=approval.key, value=approval.value,
                  headers=approval.headers).get(timeout=15)


def sandbox(*args: str) -> subprocess.CompletedProcess:
    """The bank sandbox's CLI, as a person at the counter would run it."""
    return subprocess.run([sys.executable, str(SANDBOX), *args], env={**os.environ, **secrets_env()},
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def awaiting_fee(stack, wait_for):
    """awaiting_fee(full_name) -> (application_id, access_token) of a clean application the checks approved
    in principle: its fee is due."""
    def make(full_name: str = "Ayesha Khan"):
        with client_from_own_address(stack.url("intake")) as client:
            response = client.post("/api/v1/applications", json={**application_of_kind("clean", latin_word()),
                                                                  "full_name": full_name})
        assert response.status_code == 202, response.text
        application_id, token = response.json()["application_id"], response.json()["access_token"]
        wait_for(lambda: status(stack, application_id) == "awaiting_payment", message="the approval in principle")
        return application_id, token
    return make


def status(stack, application_id: str) -> str:
    return httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}/status"), timeout=10).json()["status"]


def applicant_view(stack, application_id: str, token: str) -> dict:
    response = httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}"), headers=bearer(token),
                         timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_approval_in_principle_issues_a_voucher_the_sandbox_pays_once(stack, producer, awaiting_fee, wait_for):
    application_id, token = awaiting_fee()
    redeliver_approval(stack, producer, application_id)  # delivered twice: still one voucher
    issued = published(stack, application_id, "VoucherIssued")["payload"]
    number = issued["voucher_number"]
    assert re.fullmatch(r"7711\d{12}", number) and issued["amount"] == 1000
    view = wait_for(lambda: (v := applicant_view(stack, application_id, token))["voucher"] and v,
                    message="the voucher on the applicant's view")
    assert view["status"] == "awaiting_payment"
    assert view["voucher"] == {"number": number, "amount": 1000, "due_date": issued["due_date"], "status": "unpaid"}

    inquiry = sandbox("inquiry", number)
    assert inquiry.returncode == 0, inquiry.stderr
    assert '"status": "unpaid"' in inquiry.stdout and '"payer_name": "Ayesha Khan"' in inquiry.stdout

    wrong = sandbox("pay", number, "--amount", "999")
    assert wrong.returncode == 1 and '"code": "wrong_amount"' in wrong.stdout

    paid = sandbox("pay", number, "--transaction-id", f"T-{application_id}")
    assert paid.returncode == 0 and '"status": "accepted"' in paid.stdout, paid.stdout + paid.stderr
    again = sandbox("pay", number, "--transaction-id", f"T-{application_id}")  # the bank retries: same answer
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == paid.stdout.splitlines()[-1]
    other = sandbox("pay", number)  # a second payment, under another transaction id: refused
    assert other.returncode == 1 and '"code": "voucher_paid"' in other.stdout

    fee = published(stack, application_id, "FeePaid")["payload"]
    assert fee == {**fee, "voucher_number": number, "amount": 1000, "transaction_id": f"T-{application_id}",
                   "aggregator": "sandbox"}
    payments_events = read_messages(stack.servers.kafka, PAYMENTS_EVENTS, 10,
                                    lambda m: m.key == application_id.encode(), timeout_s=5,
                                    since_ms=SESSION_STARTED_MS)
    kinds = {decode(m.value)["event_id"]: decode(m.value)["event_type"] for m in payments_events}
    assert sorted(kinds.values()) == ["FeePaid", "VoucherIssued"]  # one of each, whatever was repeated
    view = wait_for(lambda: (v := applicant_view(stack, application_id, token))["status"] == "approved" and v,
                    message="the registration on the applicant's view")
    assert view["voucher"]["status"] == "paid" and view["registration_number"].startswith("PSEB-")


def test_the_sandbox_page_looks_a_voucher_up_and_pays_it(stack, awaiting_fee):
    application_id, _ = awaiting_fee("Bilal Ahmed")
    number = published(stack, application_id, "VoucherIssued")["payload"]["voucher_number"]

    page = httpx.get(f"{SANDBOX_URL}/voucher", params={"number": number}, timeout=10)
    assert page.status_code == 200 and "Bilal Ahmed" in page.text and "unpaid" in page.text
    transaction_id = re.search(r'name="transaction_id" value="([^"]+)"', page.text).group(1)
    form = {"voucher_number": number, "amount": "1000", "transaction_id": transaction_id}
    paid = httpx.post(f"{SANDBOX_URL}/pay", data=form, timeout=10)
    assert paid.status_code == 200 and f"transaction {transaction_id}" in paid.text
    twice = httpx.post(f"{SANDBOX_URL}/pay", data=form, timeout=10)  # the button pressed again: one payment
    assert twice.status_code == 200 and f"transaction {transaction_id}" in twice.text
    assert published(stack, application_id, "FeePaid")["payload"]["transaction_id"] == transaction_id

    unknown = httpx.get(f"{SANDBOX_URL}/voucher", params={"number": "7711000000000000"}, timeout=10)
    assert unknown.status_code == 404 and "unknown_voucher" in unknown.text


def test_a_withdrawal_cancels_the_unpaid_voucher_and_the_bank_is_refused(stack, producer, awaiting_fee):
    application_id, _ = awaiting_fee()
    number = published(stack, application_id, "VoucherIssued")["payload"]["voucher_number"]
    withdrawn = new_event("ApplicationWithdrawn", application_id, {"application_id": application_id}, source="test")
    producer.send(INTAKE_EVENTS, key=application_id.encode(), value=encode(withdrawn)).get(timeout=15)
    assert published(stack, application_id, "VoucherCancelled")["payload"]["voucher_number"] == number
    refused = sandbox("pay", number, "--amount", "1000")
    assert refused.returncode == 1 and '"code": "voucher_cancelled"' in refused.stdout


def test_the_applicant_withdraws_while_the_fee_is_due_and_every_service_follows_the_cancelled_voucher(
        stack, wait_for):
    data = application_of_kind("clean", latin_word())
    with client_from_own_address(stack.url("intake")) as client:
        response = client.post("/api/v1/applications", json=data)
    application_id, token = response.json()["application_id"], response.json()["access_token"]
    wait_for(lambda: status(stack, application_id) == "awaiting_payment", message="the approval in principle")
    number = published(stack, application_id, "VoucherIssued")["payload"]["voucher_number"]

    withdraw = stack.url("intake", f"/api/v1/applications/{application_id}/withdraw")
    asked = httpx.post(withdraw, headers=bearer(token), timeout=10)
    assert asked.status_code == 202 and asked.json()["status"] == "awaiting_payment", asked.text
    assert httpx.post(withdraw, headers=bearer(token), timeout=10).status_code == 409  # asked once
    assert published(stack, application_id, "VoucherCancelled")["payload"]["voucher_number"] == number
    wait_for(lambda: status(stack, application_id) == "withdrawn", message="intake to follow the cancellation")
    cases = get_database(stack.servers.mongodb_uri, "verification")["cases"]
    wait_for(lambda: cases.find_one({"_id": application_id}, {"state": 1})["state"] == "withdrawn",
             message="verification to follow the cancellation")
    assert applicant_view(stack, application_id, token)["voucher"]["status"] == "cancelled"
    refused = sandbox("pay", number, "--amount", "1000")
    assert refused.returncode == 1 and '"code": "voucher_cancelled"' in refused.stdout
    with client_from_own_address(stack.url("intake")) as client:  # the CNIC is free again
        assert client.post("/api/v1/applications", json={**data, "email": f"again.{data['email']}"}).status_code == 202
