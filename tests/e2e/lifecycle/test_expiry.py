"""A registration's end on the running stack, without waiting a year: verification's worker is deployed
with a validity of 100 seconds and reminders 60 and 30 seconds before it (the settings tests shorten),
an applicant is registered under them, and the supervised worker comes back. The scheduler then sends
each reminder once, and expires the registration once: intake shows `expired` with the number, verify
says `expired`, search leaves the freelancer out unless asked, and the registrant is told."""
import time

import httpx
import pytest

from eventkit.mongo import get_database
from support.directory import latin_word
from support.mail import mails_to, sms_to
from support.redeploy import redeployed
from support.registrations import applicant_view, apply_and_pay

SECONDS = 1 / 86_400  # the settings are in days


@pytest.fixture
def short_validity_worker(stack):
    """Verification's worker with a 100 s validity and reminders 60 and 30 s before, in the supervised
    worker's slot, put back afterwards."""
    with redeployed(stack, "verification:verification-worker", "verification.entrypoints.worker",
                    REGISTRATION_VALIDITY_DAYS=str(100 * SECONDS),
                    EXPIRY_REMINDER_DAYS=f"{60 * SECONDS},{30 * SECONDS}"):
        yield


def search(stack, q: str, **params) -> list[dict]:
    response = httpx.get(stack.url("directory", "/api/v1/freelancers"), params={"q": q, **params}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_reminders_once_each_then_the_registration_expires_everywhere(stack, bank, short_validity_worker,
                                                                     wait_for):
    surname = latin_word()
    data, application_id, token, _ = apply_and_pay(stack, bank, surname)
    view = wait_for(lambda: (v := applicant_view(stack, application_id, token))["status"] == "approved" and v,
                    timeout=60, message="the registration")
    number = view["registration_number"]
    registered_at = time.monotonic()
    case = get_database(stack.servers.mongodb_uri, "verification")["cases"].find_one({"_id": application_id})
    assert [r["days_before"] for r in case["reminders"]] == [60 * SECONDS, 30 * SECONDS]
    assert wait_for(lambda: search(stack, surname), message="the listing")[0]["status"] == "valid"

    expired = wait_for(lambda: (v := applicant_view(stack, application_id, token))["status"] == "expired" and v,
                       timeout=150, interval=1, message="the expiry")
    assert time.monotonic() - registered_at > 80  # not before its time (the scheduler looks every 5 s)
    assert expired["registration_number"] == number and expired["timeline"][-1]["status"] == "expired"
    verdict = wait_for(lambda: (v := httpx.get(stack.url("directory", f"/api/v1/verify/{number}")).json())
                       ["status"] == "expired" and v, message="verify to say expired")
    assert verdict["valid"] is False and verdict["valid_until"] == view["valid_until"]
    assert search(stack, surname) == []
    assert [i["status"] for i in search(stack, surname, include_expired="true")] == ["expired"]

    subjects = wait_for(lambda: (s := [m["Subject"] for m in mails_to(data["email"])]) and
                        any("has expired" in x for x in s) and s, message="the expiry email")
    time.sleep(6)  # a second sweep or two: nothing more is sent
    subjects = [m["Subject"] for m in mails_to(data["email"])]
    assert sum(f"{number} expires on" in s for s in subjects) == 2, subjects  # the two reminders, once each
    assert sum(f"{number} has expired" in s for s in subjects) == 1, subjects
    assert sum(number in m["text"] for m in sms_to(data["mobile"])) == 4  # registered, two reminders, expired
