"""The directory's read model, fed by verification's decisions: profiles of listed freelancers, and
registration-number checks in all four states — public fields only."""
import datetime as dt
import os
import subprocess
import sys

import httpx

from domainkit.registration import format_registration_number
from eventkit.mongo import get_database
from directory.domain.listing import listing_from_approval
from support.directory import PUBLIC, VERIFY, latin_word, search


def verify(stack, number: str) -> dict:
    body = httpx.get(stack.url("directory", f"/api/v1/verify/{number}")).json()
    assert set(body) == VERIFY
    return body


def test_listed_freelancer_has_a_public_profile_with_public_fields_only(approve, stack):
    number = approve()
    profile = httpx.get(stack.url("directory", f"/api/v1/freelancers/{number}")).json()
    assert set(profile) == PUBLIC and profile["status"] == "valid"
    assert verify(stack, number)["valid"] is True


def test_number_typed_loosely_is_understood_and_a_typo_is_caught(approve, stack):
    number = approve()
    loose = number.lower().replace("-", " ")
    assert verify(stack, loose)["status"] == "valid"
    digits = number[10:16]
    typo = number[:10] + digits[:-1] + str((int(digits[-1]) + 1) % 10) + number[16:]
    assert verify(stack, typo)["status"] == "mistyped"
    assert verify(stack, "not a number")["status"] == "unknown"
    assert verify(stack, format_registration_number(1999, 999_999))["status"] == "unknown"


def test_unlisted_freelancer_is_verifiable_but_has_no_public_profile(approve, stack):
    number = approve(listed=False)
    assert verify(stack, number)["status"] == "valid"
    assert httpx.get(stack.url("directory", f"/api/v1/freelancers/{number}")).status_code == 404


def approval_payload(number: str, valid_until: str) -> dict:
    return {"application_id": "x", "registration_number": number, "valid_until": valid_until, "reasons": [],
            "language": "en", "contact": "sealed", "listed": True,
            "profile": {"full_name": "Test Person", "city": "Lahore", "province": "Punjab", "skills": ["seo"],
                        "platforms": [{"platform": "github", "profile_url": "https://github.com/t"}],
                        "headline": "Testing"}}


def test_expired_and_revoked_registrations_and_order_safety(publish_decision, stack, wait_for):
    expired = format_registration_number(2020, int.from_bytes(os.urandom(3), "big") % 999_999 + 1)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    publish_decision("ApplicationApproved", f"app-{expired}", approval_payload(expired, yesterday))
    wait_for(lambda: verify(stack, expired)["status"] == "expired", message="expired")

    revoked = format_registration_number(2021, int.from_bytes(os.urandom(3), "big") % 999_999 + 1)
    approval = publish_decision("ApplicationApproved", f"app-{revoked}", approval_payload(revoked, "2099-01-01"))
    wait_for(lambda: verify(stack, revoked)["status"] == "valid", message="valid")
    publish_decision("RegistrationRevoked", f"app-{revoked}", {"registration_number": revoked})
    wait_for(lambda: verify(stack, revoked)["status"] == "revoked", message="revoked")
    publish_decision("ApplicationApproved", f"app-{revoked}", {}, event=approval)  # an old event, replayed
    marker = format_registration_number(2022, int.from_bytes(os.urandom(3), "big") % 999_999 + 1)
    publish_decision("ApplicationApproved", f"app-{revoked}", approval_payload(marker, "2099-01-01"))
    wait_for(lambda: verify(stack, marker)["status"] == "valid", message="a later event on the same key")
    assert verify(stack, revoked)["status"] == "revoked"  # the replay did not undo the revocation
    assert httpx.get(stack.url("directory", f"/api/v1/freelancers/{revoked}")).status_code == 404


def test_rebuild_restores_the_read_model_and_web_processes_reload_it(approve, stack, wait_for):
    """A listing lost from the collection and one damaged in it are re-derived from their events;
    one whose events the topic does not hold is kept; the web processes reload what the rebuild made."""
    lost, damaged = approve(), approve()
    listings = get_database(stack.servers.mongodb_uri, "directory")["listings"]
    before = {d["_id"]: d for d in listings.find()}
    listings.delete_one({"_id": lost})
    listings.update_one({"_id": damaged}, {"$set": {"full_name": "Damaged Name", "city": "Nowhere"}})
    surname = latin_word()
    orphan = format_registration_number(2021, int.from_bytes(os.urandom(3), "big") % 999_999 + 1)
    listings.insert_one(listing_from_approval({
        "key": "app-orphan", "occurred_at": "2021-01-01T00:00:00+00:00",
        "payload": {"registration_number": orphan, "valid_until": "2099-01-01", "listed": True,
                    "profile": {"full_name": f"Orphan {surname}", "city": "Lahore", "province": "Punjab",
                                "skills": ["python"], "platforms": [], "headline": "Kept"}}}))
    assert search(stack, q=surname)["total"] == 0  # the running index never saw it
    env = {**os.environ, "MONGODB_URI": stack.servers.mongodb_uri, "LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-m", "directory.entrypoints.cli", "rebuild"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "rebuilt" in result.stdout and "events" in result.stderr  # the progress bar
    after = {d["_id"]: d for d in listings.find()}
    assert after[lost] == before[lost] and after[damaged] == before[damaged]
    assert verify(stack, orphan)["status"] == "valid"
    wait_for(lambda: search(stack, q=surname)["total"] == 1, timeout=90, message="the web processes to reload")
    listings.delete_one({"_id": orphan})

