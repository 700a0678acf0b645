"""The partner API on the running stack: a key issued by the operator's CLI (shown once), a bulk check of many
numbers in one request, the key's own quota, its scope, and its revocation, each enforced by the directory."""
import re
import uuid

import httpx
import pytest

from support.directory import directory_cli


def issue(per_minute: int = 600, *scopes: str) -> tuple[str, str]:
    """(key id, key) of a new partner key, as the operator's CLI prints it: the key alone on stdout."""
    options = [option for scope in scopes for option in ("--scope", scope)]
    issued = directory_cli("partner-key", "create", f"Test bank {uuid.uuid4().hex[:6]}", "--per-minute",
                           str(per_minute), *options)
    assert issued.returncode == 0, issued.stderr
    key = issued.stdout.strip()
    assert re.fullmatch(r"prk_[a-z0-9]{12}\.[A-Za-z0-9_-]{43}", key), issued.stdout
    return key.split(".")[0].removeprefix("prk_"), key


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def partner(stack):
    with httpx.Client(base_url=stack.url("directory"), timeout=30) as client:
        yield client


def test_a_partner_checks_many_numbers_in_one_request(partner, approve):
    number = approve()
    _, key = issue()
    typo = number[:-1] + ("A" if number[-1] != "A" else "B")
    numbers = [number, typo, "not a number", number.lower().replace("-", " ")] * 250  # 1,000: the most at once
    answer = partner.post("/api/v1/partner/verify", json={"numbers": numbers}, headers=bearer(key))
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert len(results) == 1000
    assert [r["status"] for r in results[:4]] == ["valid", "mistyped", "unknown", "valid"]
    assert results[0] == partner.get(f"/api/v1/verify/{number}").json()  # as the public verify answers
    too_many = partner.post("/api/v1/partner/verify", json={"numbers": [number] * 1001}, headers=bearer(key))
    assert too_many.status_code == 422
    also = partner.post("/api/v1/partner/verify", json={"numbers": [number]}, headers={"X-API-Key": key})
    assert also.json()["results"][0]["status"] == "valid"  # the key may come in X-API-Key too


def test_keys_are_refused_when_wrong_out_of_scope_revoked_or_over_their_quota(partner):
    key_id, key = issue(per_minute=5)
    body = {"numbers": ["PSEB-2026-000001-A"]}
    assert partner.post("/api/v1/partner/verify", json=body).status_code == 401
    assert partner.post("/api/v1/partner/verify", json=body, headers=bearer(key[:-2] + "xx")).status_code == 401
    _, watcher = issue(600, "watch")
    refused = partner.post("/api/v1/partner/verify", json=body, headers=bearer(watcher))
    assert refused.status_code == 403 and "verify:bulk" in refused.json()["message"]
    assert partner.get("/api/v1/partner/watches", headers=bearer(watcher)).status_code == 200
    answers = [partner.post("/api/v1/partner/verify", json=body, headers=bearer(key)).status_code
               for _ in range(12)]  # fixed one-minute windows: a burst across the minute may pass 10
    assert answers[:5] == [200] * 5 and 429 in answers
    other_id, other = issue()
    assert partner.post("/api/v1/partner/verify", json=body, headers=bearer(other)).status_code == 200
    revoked = directory_cli("partner-key", "revoke", other_id)
    assert revoked.returncode == 0, revoked.stderr
    assert partner.post("/api/v1/partner/verify", json=body, headers=bearer(other)).status_code == 401
    listed = directory_cli("partner-key", "list").stdout
    assert other_id in listed and "revoked" in listed and key.split(".")[1] not in listed  # never the secret
