"""Sign-in by one-time code on the running stack: the code travels intake → Kafka → notification → the SMTP (or
SMS) sink, and its refusals and limits hold on the real database. The answer never tells a known address from
an unknown one; a code signs in once, takes a few tries, and an address gets a few codes an hour."""
import datetime as dt
import re

import pytest

from intake.adapters.sign_in_challenges import SignInChallenges
from intake.domain.sign_in import MAX_ATTEMPTS
from support.intake import client_from_own_address, csrf_from
from support.mail import mails_to, sms_to

CODES_PER_HOUR = 5  # SIGN_IN_CODES_PER_HOUR's default


@pytest.fixture
def browser_like(stack):
    """A client from its own address that keeps cookies (the CSRF token and the sign-in live in the session)."""
    with client_from_own_address(stack.url("intake"), follow_redirects=False) as c:
        yield c


def ask_code(client, address: str):
    page = client.get("/sign-in")
    return client.post("/sign-in", data={"csrf_token": csrf_from(page.text), "address": address})


def type_code(client, asked, code: str):
    challenge = re.search(r'name="challenge_id" value="([^"]+)"', asked.text).group(1)
    return client.post("/sign-in/code", data={"csrf_token": csrf_from(asked.text), "challenge_id": challenge,
                                              "code": code})


def code_in_mail(address: str, wait_for, count: int = 1) -> str:
    """The code of the `count`-th sign-in email to the address."""
    mails = wait_for(lambda: len(m := [x for x in mails_to(address) if "sign-in code" in x["Subject"]]) >= count
                     and m, timeout=60, message=f"sign-in email {count} to {address}")
    return re.search(r"(\d{6})", mails[count - 1]["Subject"]).group(1)


def without_challenge(html: str) -> str:
    return re.sub(r'name="(challenge_id|csrf_token)" value="[^"]+"', "", html)


def test_a_known_and_an_unknown_address_get_the_same_answer(browser_like, submit, wait_for):
    _, _, data = submit()
    known, unknown = ask_code(browser_like, data["email"]), ask_code(browser_like, "nobody.at.all@example.pk")
    assert known.status_code == unknown.status_code == 202
    assert without_challenge(known.text) == without_challenge(unknown.text)
    code_in_mail(data["email"], wait_for)
    assert mails_to("nobody.at.all@example.pk") == []


def test_the_emailed_code_signs_in_once_and_lists_every_application_of_the_address(browser_like, submit, stack,
                                                                                   wait_for):
    first_id, _, data = submit()
    asked = ask_code(browser_like, data["email"].upper())  # addresses compare without case
    signed_in = type_code(browser_like, asked, code_in_mail(data["email"], wait_for))
    assert signed_in.status_code == 303 and signed_in.headers["location"].endswith("/my-applications")
    listing = browser_like.get("/my-applications")
    assert f'data-application-id="{first_id}"' in listing.text
    details = browser_like.get(f"/my-applications/{first_id}")
    assert details.status_code == 200 and 'id="upload-form"' in details.text and 'id="timeline"' in details.text
    with client_from_own_address(stack.url("intake"), follow_redirects=False) as stranger:  # not signed in
        assert stranger.get(f"/my-applications/{first_id}").status_code == 302
    again = type_code(browser_like, asked, code_in_mail(data["email"], wait_for))
    assert again.status_code == 422 and "no longer valid" in again.text  # used once


def test_a_signed_in_applicant_cannot_open_another_persons_application(browser_like, submit, wait_for):
    other_id, _, _ = submit()
    _, _, data = submit()
    asked = ask_code(browser_like, data["email"])
    type_code(browser_like, asked, code_in_mail(data["email"], wait_for))
    assert browser_like.get(f"/my-applications/{other_id}").status_code == 404
    form = browser_like.get("/my-applications").text
    refused = browser_like.post("/status/withdraw", data={"csrf_token": csrf_from(form), "application_id": other_id,
                                                          "access_token": ""})
    assert refused.status_code == 404  # the status page's forms act only on the signed-in address's applications


def test_wrong_codes_spend_the_challenge(browser_like, submit, wait_for):
    _, _, data = submit()
    asked = ask_code(browser_like, data["email"])
    code = code_in_mail(data["email"], wait_for)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for _ in range(MAX_ATTEMPTS):
        assert type_code(browser_like, asked, wrong).status_code == 422
    assert type_code(browser_like, asked, code).status_code == 422  # the right code, too late
    assert browser_like.get("/my-applications").status_code == 302  # not signed in


def test_an_address_gets_a_few_codes_an_hour_known_or_not(stack, submit, wait_for):
    _, _, data = submit()
    for address in (data["email"], f"unknown.{data['email']}"):
        with client_from_own_address(stack.url("intake")) as client:  # each from an address of its own
            answers = [ask_code(client, address).status_code for _ in range(CODES_PER_HOUR + 1)]
        assert answers == [202] * CODES_PER_HOUR + [429], address
    code_in_mail(data["email"], wait_for, count=CODES_PER_HOUR)


def test_a_mobile_number_gets_its_code_by_sms(browser_like, submit, wait_for):
    _, _, data = submit()
    asked = ask_code(browser_like, data["mobile"].replace("-", " "))
    assert asked.status_code == 202
    texts = wait_for(lambda: [s for s in sms_to(data["mobile"]) if "sign-in code" in s["text"]], timeout=60,
                     message="the sign-in SMS")
    code = re.search(r"(\d{6})", texts[0]["text"]).group(1)
    assert type_code(browser_like, asked, code).status_code == 303


def test_an_address_that_is_neither_email_nor_mobile_is_a_field_error(browser_like):
    refused = ask_code(browser_like, "not an address")
    assert refused.status_code == 422 and 'id="address-error"' in refused.text


def test_a_challenge_cannot_be_tried_after_it_expires_and_is_purged_by_the_server(intake_db):
    challenges = SignInChallenges(intake_db)
    now = dt.datetime.now(dt.timezone.utc)
    challenge_id = f"test-expiry-{now.timestamp()}"
    challenges.open({"_id": challenge_id, "address_index": "test", "channel": "email", "code_hash": "h",
                     "created_at": now, "expires_at": now + dt.timedelta(minutes=10),
                     "purge_at": now + dt.timedelta(hours=1)})
    assert challenges.take_attempt(challenge_id, now + dt.timedelta(minutes=10, seconds=1), MAX_ATTEMPTS) is None
    assert challenges.take_attempt(challenge_id, now, MAX_ATTEMPTS)["attempts"] == 1
    ttl = intake_db["sign_in_challenges"].index_information()["purge_at_ttl"]
    assert ttl["expireAfterSeconds"] == 0
