"""Admins deactivate, reactivate and reset reviewers' passwords (API and CLI), against the running
verification service: a deactivated reviewer's very next console page and API call are refused,
whatever cookie or token they still hold."""
import os
import subprocess
import sys

import httpx
import pytest

from support.intake import client_from_own_address, csrf_from, secrets_env
from support.verification import PASSWORD, create_reviewer

NEW_PASSWORD = "a brand new passphrase, long enough"


def cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **secrets_env(), "LOG_LEVEL": "WARNING"}
    env.pop("REVIEWER_PASSWORD", None)
    if password is not None:
        env["REVIEWER_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "verification.entrypoints.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def admin(stack):
    """An HTTP client signed in as an admin of its own; `admin.username` is the admin's name."""
    username = create_reviewer("admin")
    with client_from_own_address(stack.url("verification")) as client:
        client.headers["Authorization"] = f"Bearer {api_token(client, username)}"
        client.username = username
        yield client


@pytest.fixture
def reviewer(stack):
    """A new reviewer, signed in twice: a console session (cookie) and an API token.
    Each from a loopback address of its own, so sign-in limits are not shared with other tests."""
    username = create_reviewer("reviewer")
    with client_from_own_address(stack.url("verification"), follow_redirects=False) as console:
        assert sign_in_console(console, username) == 302
        with client_from_own_address(stack.url("verification")) as api:
            token = api_token(api, username)
            assert token is not None
            api.headers["Authorization"] = f"Bearer {token}"
            yield username, console, api


def sign_in_console(console: httpx.Client, username: str, password: str = PASSWORD) -> int:
    page = console.get("/console/login")
    return console.post("/console/login", data={"username": username, "password": password,
                                                "csrf_token": csrf_from(page.text), "next": "/console"}).status_code


def api_token(api: httpx.Client, username: str, password: str = PASSWORD) -> str | None:
    response = api.post("/api/v1/auth/token", json={"username": username, "password": password})
    return response.json()["access_token"] if response.status_code == 200 else None


def console_refused(console: httpx.Client) -> bool:
    response = console.get("/console")
    return response.status_code == 403 or (response.status_code == 302
                                           and "/console/login" in response.headers["location"])


def test_deactivated_reviewer_is_refused_on_the_next_request_and_reactivation_lets_them_back(admin, reviewer):
    username, console, api = reviewer
    assert console.get("/console").status_code == 200
    assert api.get("/api/v1/reviews").status_code == 200

    deactivated = admin.post(f"/api/v1/reviewers/{username}/deactivate")
    assert deactivated.status_code == 200, deactivated.text
    assert deactivated.json()["active"] is False

    assert console_refused(console)
    assert api.get("/api/v1/reviews").status_code == 401
    assert sign_in_console(console, username) == 401
    assert api_token(api, username) is None

    reactivated = admin.post(f"/api/v1/reviewers/{username}/reactivate")
    assert reactivated.status_code == 200 and reactivated.json()["active"] is True
    assert api.get("/api/v1/reviews").status_code == 401  # the old token stays revoked
    assert sign_in_console(console, username) == 302
    assert console.get("/console").status_code == 200
    token = api_token(api, username)
    assert token and api.get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    account = admin.get(f"/api/v1/reviewers/{username}").json()
    actions = [(entry["actor"], entry["action"]) for entry in account["audit"]]
    admin_actor = f"reviewer:{admin.username}"
    assert actions == [("operator", "account_created"), (admin_actor, "account_deactivated"),
                       (admin_actor, "account_reactivated")]


def test_reset_password_makes_the_old_one_fail_and_the_new_one_work(admin, reviewer):
    username, console, api = reviewer
    bad = admin.post(f"/api/v1/reviewers/{username}/password", json={"password": "short"})
    assert bad.status_code == 422 and "password" in bad.json()["errors"]
    assert admin.post(f"/api/v1/reviewers/{username}/password", json={"password": NEW_PASSWORD, "x": 1}
                      ).status_code == 422
    reset = admin.post(f"/api/v1/reviewers/{username}/password", json={"password": NEW_PASSWORD})
    assert reset.status_code == 200, reset.text
    assert console_refused(console)
    assert api.get("/api/v1/reviews").status_code == 401
    assert api_token(api, username, PASSWORD) is None
    assert sign_in_console(console, username, PASSWORD) == 401
    assert api_token(api, username, NEW_PASSWORD) is not None
    assert sign_in_console(console, username, NEW_PASSWORD) == 302
    assert console.get("/console").status_code == 200
    assert reset.json()["audit"][-1]["action"] == "password_reset"
    assert NEW_PASSWORD not in reset.text


def test_account_actions_need_an_admin_and_an_existing_account(stack, admin, reviewer_token):
    for path in ("deactivate", "reactivate"):
        assert admin.post(f"/api/v1/reviewers/nobody-{path}/{path}").status_code == 404
    assert admin.post("/api/v1/reviewers/nobody/password", json={"password": NEW_PASSWORD}).status_code == 404
    assert admin.get("/api/v1/reviewers/nobody").status_code == 404
    target = create_reviewer("reviewer")
    url = stack.url("verification", f"/api/v1/reviewers/{target}/deactivate")
    assert httpx.post(url).status_code == 401
    for role in ("reviewer", "auditor"):
        assert httpx.post(url, headers={"Authorization": f"Bearer {reviewer_token(role)}"}).status_code == 403
    assert admin.post(f"/api/v1/reviewers/{admin.username}/deactivate").status_code == 409
    auditor = {"Authorization": f"Bearer {reviewer_token('auditor')}"}
    assert httpx.get(stack.url("verification", f"/api/v1/reviewers/{target}"), headers=auditor).json()["active"]


def test_the_account_endpoints_are_in_the_openapi_document(stack):
    paths = httpx.get(stack.url("verification", "/openapi.json")).json()["paths"]
    assert {"/api/v1/reviewers/{username}/deactivate", "/api/v1/reviewers/{username}/reactivate",
            "/api/v1/reviewers/{username}/password", "/api/v1/reviewers/{username}"} <= set(paths)


def test_the_cli_deactivates_reactivates_and_resets_passwords(stack, reviewer):
    username, console, api = reviewer
    done = cli("deactivate-reviewer", username)
    assert done.returncode == 0 and f"deactivated reviewer {username}" in done.stdout, done.stderr
    assert console_refused(console) and api.get("/api/v1/reviews").status_code == 401
    assert cli("reactivate-reviewer", username).returncode == 0
    assert api_token(api, username) is not None
    reset = cli("reset-password", username, password=NEW_PASSWORD)
    assert reset.returncode == 0, reset.stderr
    assert api_token(api, username, PASSWORD) is None and api_token(api, username, NEW_PASSWORD) is not None
    assert "12 characters" in cli("reset-password", username, password="short").stderr
    unknown = cli("deactivate-reviewer", "nobody-at-all")
    assert unknown.returncode != 0 and "no reviewer named nobody-at-all" in unknown.stderr
    assert cli("reset-password", "nobody-at-all", password=NEW_PASSWORD).returncode != 0

