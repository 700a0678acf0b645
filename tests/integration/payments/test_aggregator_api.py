"""The bill aggregator's API on payments' real app and the real database (a database of its own per test),
through Flask's test client: an inquiry, a payment accepted, each refusal with its status and code, a
repeated transaction id answered as the first time and changing nothing, and the calls refused before
anything is read or written (no key or a wrong one: 401; an invalid body: 422).

Vouchers are issued as the worker issues them, through the service layer (`vouchers.issue`) with the
app's own repositories; a test that needs a voucher past its due date issues it with a clock set back."""
import dataclasses
import datetime as dt

import pytest

from domainkit.clock import utc_now
from domainkit.vouchers import grouped
from payments.bootstrap import payments_for
from payments.domain import events
from payments.domain import vouchers as rules
from payments.service_layer import expiry, vouchers

KEY_1, KEY_2 = "bank1-key-0123456789abcdef", "branchnet-key-fedcba9876543210"
BANK1 = {"Authorization": f"Bearer {KEY_1}"}
BRANCHNET = {"Authorization": f"Bearer {KEY_2}"}
PAKISTAN = dt.timezone(dt.timedelta(hours=5))


@pytest.fixture
def app(servers, database):
    from payments.entrypoints.app import create_app

    return create_app({"TESTING": True, "SETTINGS": {
        "mongodb_uri": servers.mongodb_uri, "mongodb_database": database.name,
        "aggregator_keys": f"bank1:{KEY_1},branchnet:{KEY_2}"}})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def issue(app):
    """issue(application_id, days_ago=1) -> a voucher issued `days_ago` days ago by the service layer."""
    def make(application_id: str = "app1", days_ago: int = 1) -> rules.Voucher:
        deps = payments_for(app.config["SERVICE_CONFIG"])
        issued_at = utc_now() - dt.timedelta(days=days_ago)
        return vouchers.issue(dataclasses.replace(deps, clock=lambda: issued_at), application_id, "Ayesha Khan")
    return make


def payment(voucher_number: str, transaction_id: str = "T-1", amount=1000, paid_at: str | None = None) -> dict:
    return {"voucher_number": voucher_number, "amount": amount, "transaction_id": transaction_id,
            "paid_at": paid_at or utc_now().astimezone(PAKISTAN).isoformat(timespec="milliseconds")}


def pay(client, body: dict, headers=None):
    return client.post("/api/v1/aggregator/payment", json=body, headers=BANK1 if headers is None else headers)


def inquire(client, voucher_number: str, headers=None):
    return client.post("/api/v1/aggregator/inquiry", json={"voucher_number": voucher_number},
                       headers=BANK1 if headers is None else headers)


def snapshot(database) -> dict:
    """Everything payments stores, to show a call changed nothing."""
    return {name: sorted(database[name].find({}), key=lambda d: d["_id"])
            for name in ("vouchers", "transactions", "withdrawals")}


def event_types(database, voucher_number: str) -> list[str]:
    return [e["event"]["event_type"] for e in database["vouchers"].find_one({"_id": voucher_number})["outbox"]]


def test_an_inquiry_answers_the_issued_voucher(client, issue):
    voucher = issue()
    for typed in (voucher.number, grouped(voucher.number), grouped(voucher.number).replace(" ", "-")):
        response = inquire(client, typed)
        assert response.status_code == 200
        assert response.json == {"voucher_number": voucher.number, "payer_name": "Ayesha Khan", "amount": 1000,
                                 "due_date": voucher.due_date.isoformat(), "status": "unpaid"}
    assert voucher.due_date == voucher.issued_at.date() + dt.timedelta(days=14)  # FEE_DUE_DAYS


def test_an_inquiry_of_a_number_without_a_voucher_or_mistyped_is_404_unknown_voucher(client, issue):
    voucher = issue()
    typo = voucher.number[:-1] + str((int(voucher.number[-1]) + 1) % 10)
    for number in (typo, voucher.number[:-1], "not a number"):
        response = inquire(client, number)
        assert response.status_code == 404
        assert response.json["code"] == "unknown_voucher" and set(response.json) == {"code", "message"}


def test_a_payment_is_accepted_pays_the_voucher_and_stores_fee_paid(client, issue, database, app):
    voucher = issue()
    body = payment(grouped(voucher.number))
    response = pay(client, body)
    assert response.status_code == 200
    answer = response.json
    assert {k: answer[k] for k in ("status", "voucher_number", "amount", "transaction_id")} == {
        "status": "accepted", "voucher_number": voucher.number, "amount": 1000, "transaction_id": "T-1"}
    assert dt.datetime.fromisoformat(answer["paid_at"]) == dt.datetime.fromisoformat(body["paid_at"])
    assert answer["paid_at"].endswith("+00:00")
    paid = payments_for(app.config["SERVICE_CONFIG"]).vouchers.get(voucher.number)
    assert (paid.status, paid.aggregator_id, paid.transaction_id) == (rules.PAID, "bank1", "T-1")
    assert event_types(database, voucher.number) == [events.VOUCHER_ISSUED, events.FEE_PAID]
    fee_paid = database["vouchers"].find_one({"_id": voucher.number})["outbox"][1]["event"]
    assert fee_paid["key"] == "app1" and fee_paid["payload"]["aggregator"] == "bank1"
    assert database["transactions"].find_one({"_id": "bank1:T-1"})["refusal"] is None
    assert inquire(client, voucher.number).json["status"] == "paid"


def test_the_wrong_amount_is_409_and_changes_no_voucher(client, issue, database):
    voucher = issue()
    response = pay(client, payment(voucher.number, amount=999))
    assert response.status_code == 409
    assert response.json == {"code": "wrong_amount", "message": "This voucher is for exactly 1000 rupees."}
    assert inquire(client, voucher.number).json["status"] == "unpaid"
    assert event_types(database, voucher.number) == [events.VOUCHER_ISSUED]
    assert pay(client, payment(voucher.number, transaction_id="T-2")).status_code == 200  # right amount, new id


def test_a_voucher_paid_already_is_409_voucher_paid(client, issue, database):
    voucher = issue()
    assert pay(client, payment(voucher.number, "T-1")).status_code == 200
    response = pay(client, payment(voucher.number, "T-2"))
    assert (response.status_code, response.json["code"]) == (409, "voucher_paid")
    # a transaction id is the aggregator's own: another aggregator's T-1 is another payment
    response = pay(client, payment(voucher.number, "T-1"), headers=BRANCHNET)
    assert (response.status_code, response.json["code"]) == (409, "voucher_paid")
    assert database["transactions"].find_one({"_id": "branchnet:T-1"})["refusal"] == "voucher_paid"
    assert event_types(database, voucher.number) == [events.VOUCHER_ISSUED, events.FEE_PAID]


def test_a_voucher_past_its_due_date_is_409_voucher_expired_before_and_after_the_scheduler(client, issue, app):
    voucher = issue(days_ago=20)  # due 6 days ago
    assert inquire(client, voucher.number).json["status"] == "expired"
    response = pay(client, payment(voucher.number))
    assert response.status_code == 409
    assert response.json == {"code": "voucher_expired",
                             "message": f"This voucher was payable until {voucher.due_date.isoformat()}."}
    assert expiry.expire_due(payments_for(app.config["SERVICE_CONFIG"])) == 1
    response = pay(client, payment(voucher.number, "T-2"))
    assert (response.status_code, response.json["code"]) == (409, "voucher_expired")


def test_a_cancelled_voucher_is_409_voucher_cancelled(client, issue, app):
    voucher = issue()
    vouchers.cancel_for_withdrawal(payments_for(app.config["SERVICE_CONFIG"]), "app1")
    assert inquire(client, voucher.number).json["status"] == "cancelled"
    response = pay(client, payment(voucher.number))
    assert (response.status_code, response.json["code"]) == (409, "voucher_cancelled")


def test_a_payment_for_an_unknown_number_is_404_and_recorded_as_sent(client, issue, database):
    voucher = issue()
    typo = voucher.number[:-2] + voucher.number[-1] + voucher.number[-2]
    if typo == voucher.number:
        typo = voucher.number[:-1] + str((int(voucher.number[-1]) + 1) % 10)
    response = pay(client, payment(typo))
    assert (response.status_code, response.json["code"]) == (404, "unknown_voucher")
    recorded = database["transactions"].find_one({"_id": "bank1:T-1"})
    assert (recorded["voucher_number"], recorded["application_id"], recorded["refusal"]) == \
        (typo, None, "unknown_voucher")


def test_a_repeated_accepted_transaction_gets_the_same_answer_and_changes_nothing(client, issue, database):
    voucher = issue()
    body = payment(voucher.number)
    first = pay(client, body)
    assert first.status_code == 200
    before = snapshot(database)
    for repeat in (body, {**body, "amount": 5}, payment(voucher.number, paid_at="2030-01-01T00:00:00Z")):
        again = pay(client, repeat)
        assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    assert snapshot(database) == before


def test_a_repeated_refused_transaction_gets_the_same_refusal_even_if_it_would_pass_now(client, issue, database):
    voucher = issue()
    first = pay(client, payment(voucher.number, amount=500))
    assert first.status_code == 409
    before = snapshot(database)
    again = pay(client, payment(voucher.number, amount=1000))
    assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    assert snapshot(database) == before and inquire(client, voucher.number).json["status"] == "unpaid"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-key-0123456789abcdef"},
                                     {"Authorization": f"Bearer {KEY_1}x"}, {"Authorization": KEY_1}])
def test_without_a_valid_aggregator_key_both_calls_are_401_and_nothing_is_read_or_written(client, issue, database,
                                                                                          headers):
    voucher = issue()
    before = snapshot(database)
    for response in (inquire(client, voucher.number, headers=headers),
                     pay(client, payment(voucher.number), headers=headers)):
        assert response.status_code == 401
        assert response.json["code"] == 401 and "Bearer" in response.json["message"]
        assert "Ayesha" not in response.get_data(as_text=True)
    assert snapshot(database) == before


def test_an_invalid_body_is_422_with_its_fields_and_records_nothing(client, issue, database):
    voucher = issue()
    before = snapshot(database)
    response = pay(client, {"voucher_number": voucher.number, "amount": "1000", "paid_at": "2026-03-02T10:00:00",
                            "transaction_id": ""})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"amount", "paid_at", "transaction_id"}
    assert all(isinstance(messages, list) and messages for messages in response.json["errors"].values())
    response = inquire(client, 7711)
    assert response.status_code == 422 and response.json["errors"] == {"voucher_number": ["Not a valid string."]}
    assert snapshot(database) == before
