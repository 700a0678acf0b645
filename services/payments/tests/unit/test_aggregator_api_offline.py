"""What the aggregator's API decides before it needs the database: the app builds offline, the settings it
refuses to start with, who is an aggregator (constant-time key check, names never keys in errors), the
request bodies it refuses (422, a message per field), and what its OpenAPI document says.
tests/integration/payments/test_aggregator_api.py runs the calls against the real database."""
import pytest

from eventkit import mongo
from payments.config import Config
from payments.entrypoints.app import create_app
from payments.entrypoints.auth import AggregatorKeys

KEY_1, KEY_2 = "bank1-key-0123456789abcdef", "branchnet-key-fedcba9876543210"
KEYS = f"bank1:{KEY_1}, branchnet:{KEY_2}"
VALID = {"voucher_number": "7711 0000 0000 0013", "amount": 1000, "paid_at": "2026-03-02T15:00:00+05:00",
         "transaction_id": "T-1"}


@pytest.fixture
def client():
    return create_app({"TESTING": True, "SETTINGS": {"aggregator_keys": KEYS}}).test_client()


def as_bank1(key=KEY_1):
    return {"Authorization": f"Bearer {key}"}


def test_the_app_builds_offline_and_answers_healthz(client):
    before = dict(mongo._clients)
    assert client.get("/healthz").json == {"status": "ok", "service": "payments"}
    assert mongo._clients == before


def test_default_settings_match_the_public_contract():
    config = Config.from_env({})
    assert (config.port, config.mongodb_database, config.biller_code, config.fee_amount, config.fee_due_days) == \
        (8005, "payments", "7711", 1000, 14)
    assert Config.secret_env_var_names() == ["AGGREGATOR_KEYS", "PAYMENTS_SERVICE_TOKEN"]
    shown = repr(Config.from_env({"AGGREGATOR_KEYS": KEYS}))
    assert KEY_1 not in shown and "bank1" not in shown


@pytest.mark.parametrize("setting, problem", [
    ("", "is not set"),
    ("bank1", "pair 1 is not name:key"),
    (f":{KEY_1}", "pair 1 is not name:key"),
    (f"bank1:{KEY_1},bank 2:{KEY_2}", "pair 2 is not name:key"),
    ("bank1:short", "shorter than 16"),
    (f"bank1:{KEY_1},bank1:{KEY_2}", "bank1 is named twice"),
    (f"bank1:{KEY_1},bank2:{KEY_1}", "bank2 has the key of another aggregator"),
])
def test_the_app_refuses_to_start_with_unusable_aggregator_keys_and_never_shows_one(setting, problem):
    with pytest.raises(ValueError, match="AGGREGATOR_KEYS") as refused:
        create_app({"TESTING": True, "SETTINGS": {"aggregator_keys": setting}})
    assert problem in str(refused.value) and KEY_1 not in str(refused.value) and KEY_2 not in str(refused.value)


@pytest.mark.parametrize("settings", [{"biller_code": "77"}, {"fee_amount": 0}, {"fee_due_days": -1}])
def test_the_app_refuses_to_start_with_an_unusable_fee_setting(settings):
    with pytest.raises(ValueError, match="BILLER_CODE, FEE_AMOUNT or FEE_DUE_DAYS"):
        create_app({"TESTING": True, "SETTINGS": {"aggregator_keys": KEYS, **settings}})


def test_an_aggregator_is_known_by_its_key_alone():
    keys = AggregatorKeys.parse(KEYS)
    assert keys.names == ["bank1", "branchnet"]
    assert AggregatorKeys.parse(f"bank1:{KEY_1}:with:colons").identify(f"{KEY_1}:with:colons") == "bank1"
    assert (keys.identify(KEY_1), keys.identify(KEY_2)) == ("bank1", "branchnet")
    assert [keys.identify(t) for t in (None, "", KEY_1[:-1], KEY_1 + "x", KEY_1.upper(), "bank1", "ключ")] == \
        [None] * 7


@pytest.mark.parametrize("headers", [{}, as_bank1("wrong-key-0123456789abcdef"), {"Authorization": KEY_1},
                                     {"Authorization": f"Basic {KEY_1}"}, as_bank1(KEY_1[:-1])])
@pytest.mark.parametrize("call", ["inquiry", "payment"])
def test_without_an_aggregators_key_every_call_is_401_json(client, headers, call):
    response = client.post(f"/api/v1/aggregator/{call}", json=VALID if call == "payment" else
                           {"voucher_number": VALID["voucher_number"]}, headers=headers)
    assert response.status_code == 401 and response.json["code"] == 401
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert KEY_1 not in response.get_data(as_text=True)


@pytest.mark.parametrize("change, field, message", [
    ({"voucher_number": 7711000000000013}, "voucher_number", "Not a valid string."),
    ({"voucher_number": "7" * 41}, "voucher_number", "Length must be between 1 and 40."),
    ({"voucher_number": ""}, "voucher_number", "Length must be between 1 and 40."),
    ({"amount": "1000"}, "amount", "Give whole rupees as a JSON integer, e.g. 1000."),
    ({"amount": 1000.0}, "amount", "Give whole rupees as a JSON integer, e.g. 1000."),
    ({"amount": True}, "amount", "Give whole rupees as a JSON integer, e.g. 1000."),
    ({"amount": 0}, "amount", None),
    ({"amount": -1000}, "amount", None),
    ({"amount": 10 ** 30}, "amount", None),
    ({"paid_at": "2026-03-02T15:00:00"}, "paid_at", "Say the time's timezone"),
    ({"paid_at": "2026-03-02"}, "paid_at", "Say the time's timezone"),
    ({"paid_at": "yesterday"}, "paid_at", "Give an ISO 8601 time with its timezone"),
    ({"paid_at": "0001-01-01T00:00:00+05:00"}, "paid_at", "Not a time that can be stored."),
    ({"transaction_id": ""}, "transaction_id", "Length must be between 1 and 64."),
    ({"transaction_id": "t" * 65}, "transaction_id", "Length must be between 1 and 64."),
    ({"transaction_id": "T\n1"}, "transaction_id", "Contains control characters."),
    ({"transaction_id": 12345}, "transaction_id", "Not a valid string."),
    ({"channel": "app"}, "channel", "Unknown field."),
])
def test_an_invalid_payment_is_422_with_the_fields_at_fault(client, change, field, message):
    response = client.post("/api/v1/aggregator/payment", json={**VALID, **change}, headers=as_bank1())
    assert response.status_code == 422
    errors = response.json["errors"]
    assert list(errors) == [field]
    if message:
        assert errors[field][0].startswith(message)


def test_a_payment_missing_fields_names_each(client):
    response = client.post("/api/v1/aggregator/payment", json={}, headers=as_bank1())
    assert response.status_code == 422
    assert response.json["errors"] == {field: ["Missing data for required field."] for field in VALID}


def test_an_invalid_inquiry_is_422_and_a_body_not_json_is_415(client):
    response = client.post("/api/v1/aggregator/inquiry", json={"number": "1"}, headers=as_bank1())
    assert response.status_code == 422
    assert response.json["errors"] == {"number": ["Unknown field."],
                                       "voucher_number": ["Missing data for required field."]}
    assert client.post("/api/v1/aggregator/inquiry", data="voucher_number=1", headers=as_bank1()).status_code == 415


def test_the_openapi_document_describes_both_calls_their_refusals_and_the_key(client):
    spec = client.get("/openapi.json").json
    assert spec["components"]["securitySchemes"]["aggregatorKey"] == {
        "type": "http", "scheme": "bearer", "description": "the aggregator's key, as AGGREGATOR_KEYS gives it"}
    inquiry, payment = (spec["paths"][f"/api/v1/aggregator/{call}"]["post"] for call in ("inquiry", "payment"))
    for operation in (inquiry, payment):
        assert operation["security"] == [{"aggregatorKey": []}]
        assert {"200", "401", "404", "415", "422"} <= set(operation["responses"])
        assert "unknown_voucher" in operation["responses"]["404"]["description"]
    assert all(code in payment["responses"]["409"]["description"]
               for code in ("voucher_paid", "voucher_expired", "voucher_cancelled", "wrong_amount"))
    assert set(spec["components"]["schemas"]["Refusal"]["properties"]) == {"code", "message"}
    assert set(spec["components"]["schemas"]["InquiryAnswer"]["properties"]) == {
        "voucher_number", "payer_name", "amount", "due_date", "status"}
