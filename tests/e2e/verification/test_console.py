"""The reviewers' console over HTTP: sign in, the queue, a case page, a decision through the form."""
import httpx
import pytest

from support.intake import csrf_from
from support.verification import PASSWORD, create_reviewer


@pytest.fixture
def console(stack):
    with httpx.Client(base_url=stack.url("verification"), timeout=15, follow_redirects=False) as client:
        yield client


def sign_in(console, username: str) -> None:
    page = console.get("/console/login")
    response = console.post("/console/login", data={"username": username, "password": PASSWORD,
                                                    "csrf_token": csrf_from(page.text), "next": "/console"})
    assert response.status_code == 302 and response.headers["location"] == "/console"


def test_console_requires_sign_in(console):
    response = console.get("/console")
    assert response.status_code == 302 and "/console/login" in response.headers["location"]
    page = console.get("/console/login")
    wrong = console.post("/console/login", data={"username": "nobody", "password": "x",
                                                 "csrf_token": csrf_from(page.text)})
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text


def test_reviewer_decides_through_the_console(console, apply, settled):
    application_id, _ = apply(province="Balochistan", city="Quetta")  # CNIC from Punjab: flagged
    assert settled(application_id)["state"] == "in_review"
    sign_in(console, create_reviewer("reviewer"))
    queue = console.get("/console", params={"q": application_id})  # the stack may hold hundreds pending
    assert application_id in queue.text
    page = console.get(f"/console/cases/{application_id}")
    assert 'data-state="in_review"' in page.text and "CNIC province" in page.text
    refused = console.post(f"/console/cases/{application_id}/decision",
                           data={"decision": "reject", "reason": "", "csrf_token": csrf_from(page.text)})
    assert refused.status_code == 422 and "Say why" in refused.text
    done = console.post(f"/console/cases/{application_id}/decision",
                        data={"decision": "approve", "reason": "Moved to Quetta", "csrf_token": csrf_from(page.text)})
    assert done.status_code == 302
    after = console.get(f"/console/cases/{application_id}")
    assert 'data-state="awaiting_payment"' in after.text  # approved in principle: the fee comes next
    assert "approved in principle: Moved to Quetta" in after.text  # the audit log on the page


def test_auditor_sees_cases_but_cannot_decide(console, apply, settled):
    application_id, _ = apply(gender="male")  # CNIC's last digit is even: flagged
    assert settled(application_id)["state"] == "in_review"
    sign_in(console, create_reviewer("auditor"))
    page = console.get(f"/console/cases/{application_id}")
    assert page.status_code == 200 and 'id="decision-form"' not in page.text
    response = console.post(f"/console/cases/{application_id}/decision",
                            data={"decision": "approve", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 403


def test_console_post_without_csrf_is_refused(console):
    assert console.post("/console/login", data={"username": "x", "password": "y"}).status_code == 400
