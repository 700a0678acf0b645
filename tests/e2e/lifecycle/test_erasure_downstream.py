"""An erasure reaches notification and payments, on the running stack: a clean application is approved in principle
(payments issues its fee voucher, notification sends the receipt and the voucher), its applicant withdraws while the
fee is due (the voucher is cancelled) and then asks for erasure. Within a few seconds notification holds no delivery
record of it, payments' voucher holds no payer name and no contact (the bank's inquiry shows a neutral name, the
amount and status stay), payments has published one ErasureCompleted, and intake lists payments in `completed_by`."""
import time

import httpx

from eventkit.envelope import decode
from eventkit.mongo import get_database
from eventkit.topics import PAYMENTS_EVENTS
from support.intake import bearer, client_from_own_address, valid_application
from support.kafka import SESSION_STARTED_MS, read_to_end
from support.payments import aggregator_client

WITHIN_SECONDS = 10  # "within a few seconds" of the erasure asked for


def status(stack, application_id: str) -> str:
    return httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}/status"), timeout=10).json()["status"]


def erasure_state(stack, application_id: str, token: str) -> dict:
    response = httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}/erasure"),
                         headers=bearer(token), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def personal_payloads(voucher: dict) -> list[dict]:
    """The payloads in the voucher's outbox that still carry the applicant's contact or language."""
    return [entry["event"]["payload"] for entry in voucher.get("outbox", [])
            if {"contact", "language"} & set(entry["event"]["payload"])]


def test_an_erased_application_leaves_no_delivery_record_and_no_payer_in_payments(stack, wait_for):
    with client_from_own_address(stack.url("intake")) as client:
        response = client.post("/api/v1/applications", json=valid_application(full_name="Erasmus Qureshi"))
    assert response.status_code == 202, response.text
    application_id, token = response.json()["application_id"], response.json()["access_token"]
    wait_for(lambda: status(stack, application_id) == "awaiting_payment", message="the approval in principle")

    vouchers = get_database(stack.servers.mongodb_uri, "payments")["vouchers"]
    deliveries = get_database(stack.servers.mongodb_uri, "notification")["notifications"]
    voucher = wait_for(lambda: vouchers.find_one({"application_id": application_id}), message="the fee voucher")
    assert voucher["payer_name"] == "Erasmus Qureshi"
    # the receipt and the voucher, each by email and SMS: every message about it has been handled
    wait_for(lambda: {r["template"] for r in deliveries.find({"application_id": application_id}, {"template": 1})}
             >= {"receipt", "fee_due"}, message="notification's receipt and voucher messages")
    assert all(r.get("purge_at") for r in deliveries.find({"application_id": application_id}))  # the TTL's date

    withdraw = httpx.post(stack.url("intake", f"/api/v1/applications/{application_id}/withdraw"),
                          headers=bearer(token), timeout=10)
    assert withdraw.status_code == 202, withdraw.text
    wait_for(lambda: status(stack, application_id) == "withdrawn", message="the withdrawal (voucher cancelled)")
    wait_for(lambda: not vouchers.find_one({"_id": voucher["_id"], "outbox_pending": True}),
             message="payments' VoucherCancelled published")

    erased = httpx.post(stack.url("intake", f"/api/v1/applications/{application_id}/erasure"),
                        headers=bearer(token), timeout=10)
    assert erased.status_code == 202, erased.text
    asked = time.monotonic()

    wait_for(lambda: deliveries.count_documents({"application_id": application_id}) == 0, timeout=WITHIN_SECONDS,
             message="notification to delete its delivery records")
    cleared = wait_for(lambda: (v := vouchers.find_one({"_id": voucher["_id"]}))["erased_at"] and v,
                       timeout=WITHIN_SECONDS, message="payments to clear the voucher")
    assert cleared["payer_name"] is None and personal_payloads(cleared) == []
    assert "Erasmus" not in str(cleared)
    assert (cleared["amount"], cleared["status"], cleared["due_date"], cleared["application_id"]) == \
        (voucher["amount"], "cancelled", voucher["due_date"], application_id)
    state = wait_for(lambda: (s := erasure_state(stack, application_id, token))["erasure"]
                     and "payments" in (s["erasure"].get("completed_by") or {}) and s,
                     timeout=WITHIN_SECONDS, message="intake to note payments' ErasureCompleted")
    print(f"payments' completion noted by intake {time.monotonic() - asked:.2f} s after the erasure")
    assert state["erasure"]["cause"] == "applicant"

    with aggregator_client(url=stack.url("payments")) as bank:
        inquiry = bank.post("/api/v1/aggregator/inquiry", json={"voucher_number": voucher["_id"]})
    assert inquiry.status_code == 200, inquiry.text
    assert inquiry.json()["payer_name"] == "Name withheld" and inquiry.json()["status"] == "cancelled"
    assert inquiry.json()["amount"] == voucher["amount"]

    completions = {decode(m.value)["event_id"]: decode(m.value)["payload"] for m in read_to_end(
        stack.servers.kafka, PAYMENTS_EVENTS, lambda m: m.key == application_id.encode()
        and dict(m.headers).get("event_type") == b"ErasureCompleted", since_ms=SESSION_STARTED_MS)}
    assert list(completions.values()) == [{"application_id": application_id, "service": "payments"}]
    assert deliveries.count_documents({"application_id": application_id}) == 0  # and nothing came back
