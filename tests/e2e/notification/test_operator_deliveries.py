"""Operators list the deliveries that did not go out and re-send one on purpose, by API and CLI;
the re-send is a delivery of its own (who, why, when) through the normal send path."""
import os
import subprocess
import sys

import httpx

from support.intake import secrets_env

CLI = [sys.executable, "-m", "notification.entrypoints.cli"]


def failed_receipt(apply, wait_for, deliveries) -> dict:
    """A receipt email refused for good by the SMTP sink (the reserved .invalid domain)."""
    application_id, _ = apply(email="nobody@bounce.invalid", province="Sindh", city="Karachi")
    return wait_for(lambda: deliveries.find_one({"application_id": application_id, "template": "receipt",
                                                 "channel": "email", "status": "failed"}),
                    message="the refusal recorded")


def listed(stack, operator, status: str, record_id: str, pages: int = 20) -> dict | None:
    url, cursor = stack.url("notification", "/api/v1/deliveries"), None
    for _ in range(pages):
        params = {"status": status, "limit": 50, **({"cursor": cursor} if cursor else {})}
        response = httpx.get(url, params=params, headers=operator)
        assert response.status_code == 200, response.text
        page = response.json()
        found = [i for i in page["items"] if i["id"] == record_id]
        assert all(i["status"] == status for i in page["items"])
        if found or not page["next_cursor"]:
            return found[0] if found else None
        cursor = page["next_cursor"]
    return None


def test_operator_lists_a_failed_delivery_and_resends_it_as_an_audited_delivery(apply, wait_for, stack, operator,
                                                                                deliveries):
    failed = failed_receipt(apply, wait_for, deliveries)
    record_id = failed["_id"]
    assert failed["envelope"]  # kept for a re-send
    item = listed(stack, operator, "failed", record_id)
    assert item and item["channel"] == "email" and "550" in item["last_error"] and "envelope" not in item

    resend_url = stack.url("notification", f"/api/v1/deliveries/{record_id}/resend")
    response = httpx.post(resend_url, json={"operator": "zara", "reason": "the applicant fixed the address"},
                          headers=operator)
    assert response.status_code == 202, response.text
    resent = response.json()
    assert resent["id"] == f"{record_id}:resend-1" and resent["resend_of"] == record_id
    assert (resent["requested_by"], resent["reason"]) == ("zara", "the applicant fixed the address")
    assert resent["requested_at"] and resent["status"] in ("retrying", "sending", "failed")
    assert resent["requested_from"] == "127.0.0.1"  # the client's address (the stack trusts no proxy)
    # the scheduler sends it like any delivery: the sink refuses this domain again, for good
    again = wait_for(lambda: deliveries.find_one({"_id": resent["id"], "status": "failed"}), timeout=60,
                     message="the re-send attempted")
    assert again["attempts"] == 1 and "550" in again["last_error"]
    original = deliveries.find_one({"_id": record_id})
    assert original["status"] == "failed" and original["resent_as"] == [resent["id"]]

    second = httpx.post(resend_url, json={"operator": "omar", "reason": "once more"}, headers=operator)
    assert second.status_code == 202 and second.json()["id"] == f"{record_id}:resend-2"


def test_resend_is_refused_unless_failed_or_uncertain_and_checks_its_input(apply, wait_for, stack, operator,
                                                                          deliveries):
    failed = failed_receipt(apply, wait_for, deliveries)
    sms = wait_for(lambda: deliveries.find_one({"application_id": failed["application_id"], "template": "receipt",
                                                "channel": "sms", "status": "sent"}), message="the SMS sent")
    url = stack.url("notification", f"/api/v1/deliveries/{sms['_id']}/resend")
    body = {"operator": "zara", "reason": "testing"}
    refused = httpx.post(url, json=body, headers=operator)
    assert refused.status_code == 409 and "is sent" in refused.json()["message"]
    assert "resent_as" not in deliveries.find_one({"_id": sms["_id"]})
    assert httpx.post(url, json=body).status_code == 401
    missing = httpx.post(stack.url("notification", "/api/v1/deliveries/nope:email/resend"), json=body,
                         headers=operator)
    assert missing.status_code == 404
    failed_url = stack.url("notification", f"/api/v1/deliveries/{failed['_id']}/resend")
    invalid = httpx.post(failed_url, json={"operator": " ", "extra": 1}, headers=operator)
    assert invalid.status_code == 422
    assert set(invalid.json()["errors"]) == {"operator", "reason", "extra"}
    assert httpx.post(failed_url, content="x", headers=operator).status_code == 415
    assert "resent_as" not in deliveries.find_one({"_id": failed["_id"]})


def test_listing_checks_its_parameters_and_is_in_the_openapi_document(stack, operator):
    url = stack.url("notification", "/api/v1/deliveries")
    assert httpx.get(url, params={"status": "failed"}).status_code == 401
    for params in ({}, {"status": "sent"}, {"status": "failed", "limit": 0}, {"status": "failed", "cursor": "!!"},
                   {"status": "failed", "colour": "red"}):
        response = httpx.get(url, params=params, headers=operator)
        assert response.status_code == 422, (params, response.text)
    assert httpx.get(url, params={"status": "uncertain", "limit": 1}, headers=operator).status_code == 200
    paths = httpx.get(stack.url("notification", "/openapi.json")).json()["paths"]
    assert "get" in paths["/api/v1/deliveries"]
    [resend] = [p for p in paths if p.endswith("/resend")]
    assert {"202", "404", "409", "422"} <= set(paths[resend]["post"]["responses"])


def test_operator_cli_lists_and_resends(apply, wait_for, deliveries):
    failed = failed_receipt(apply, wait_for, deliveries)
    env = {**os.environ, **secrets_env()}
    listing = subprocess.run([*CLI, "deliveries", "--status", "failed", "--limit", "200"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert failed["_id"] in listing.stdout
    resend = subprocess.run([*CLI, "resend", failed["_id"], "--operator", "zara", "--reason", "from the CLI"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert resend.returncode == 0, resend.stderr
    assert f"{failed['_id']}:resend-1" in resend.stdout
    record = deliveries.find_one({"_id": f"{failed['_id']}:resend-1"})
    assert (record["requested_by"], record["reason"], record["resend_of"]) == ("zara", "from the CLI", failed["_id"])
    assert record["requested_from"].startswith("cli@")
    sent = deliveries.find_one({"application_id": failed["application_id"], "channel": "sms", "template": "receipt"})
    refused = subprocess.run([*CLI, "resend", sent["_id"], "--operator", "zara", "--reason", "no"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "can be re-sent" in refused.stderr
