"""Applications are checked automatically: clean ones approved in principle (registered once the fee is paid),
soft flags to review, hard failures rejected."""
import datetime as dt
import uuid

import httpx
import pytest

from domainkit.registration import parse_registration_number
from support.intake import random_cnic


def flagged_checks(case: dict) -> dict:
    return {c["check"]: c["outcome"] for c in case["checks"] if c["outcome"] != "pass"}


def test_clean_application_is_approved_in_principle_then_registered_with_a_well_formed_number_once_paid(
        apply, settled, cases, stack, bank, wait_for):
    application_id, token = apply()
    case = settled(application_id)
    assert case["state"] == "awaiting_payment", case["checks"]
    assert "registration_number" not in case["decision"]
    bank.pay_and_wait(application_id)
    case = wait_for(lambda: (c := cases.find_one({"_id": application_id}))["state"] == "approved" and c,
                    message="the case registered once its fee is paid")
    number = case["decision"]["registration_number"]
    parsed = parse_registration_number(number)
    assert parsed.canonical == number and parsed.check_ok and parsed.year == dt.date.today().year
    assert case["decision"]["valid_until"] == (dt.date.today() + dt.timedelta(days=365)).isoformat()
    assert [a["action"] for a in case["audit"]] == ["application_received", "approved_in_principle", "registered"]
    # intake hears of it: the applicant sees the number
    view = wait_for(lambda: (v := httpx.get(stack.url("intake", f"/api/v1/applications/{application_id}"),
                                            headers={"Authorization": f"Bearer {token}"}).json())
                    and v["status"] == "approved" and v, message="intake to show the approval")
    assert view["registration_number"] == number


@pytest.mark.parametrize("fields,check", [
    ({"province": "Sindh", "city": "Karachi"}, "cnic_province"),  # the CNIC says Punjab (3…)
    ({"gender": "male"}, "cnic_gender"),  # the CNIC's last digit is even: female
    ({"platforms": [{"platform": "fiverr", "profile_url": "https://www.fiverr.com/"}]}, "platform_profiles"),
], ids=["province", "gender", "home-page-profile"])
def test_soft_flags_send_the_case_to_review(apply, settled, fields, check):
    application_id, _ = apply(cnic=random_cnic("3", "female"), **fields)
    case = settled(application_id)
    assert case["state"] == "in_review"
    assert flagged_checks(case) == {check: "flag"}
    assert len(case["reasons"]) == 1 and case["reasons"][0]


def test_email_shared_by_two_identities_is_flagged(apply, settled):
    email = f"family.{uuid.uuid4().hex[:8]}@example.pk"
    first, _ = apply(email=email)
    assert settled(first)["state"] == "awaiting_payment"
    second, _ = apply(email=email)
    case = settled(second)
    assert case["state"] == "in_review" and flagged_checks(case) == {"shared_contact": "flag"}


@pytest.mark.parametrize("fields,check", [
    ({"email": f"someone.{uuid.uuid4().hex[:8]}@mailinator.com"}, "disposable_email"),
], ids=["disposable-email"])
def test_hard_failures_through_intake_reject_with_reasons(apply, settled, fields, check):
    application_id, _ = apply(**fields)
    case = settled(application_id)
    assert case["state"] == "rejected" and flagged_checks(case) == {check: "fail"}
    assert "permanent email" in case["reasons"][0]


def test_checks_that_intake_already_enforces_are_checked_again(publish_application, settled):
    """Verification does not trust its input: an under-age applicant or a malformed CNIC is rejected."""
    minor = publish_application(date_of_birth=(dt.date.today() - dt.timedelta(days=365 * 16)).isoformat())
    case = settled(minor["key"])
    assert case["state"] == "rejected" and flagged_checks(case) == {"age": "fail"}
    assert case["reasons"] == ["Applicants must be at least 18 years old."]


def test_duplicate_identity_across_applications_is_rejected(publish_application, settled):
    cnic = random_cnic()
    first = publish_application(cnic=cnic)
    assert settled(first["key"])["state"] == "awaiting_payment"  # approved in principle: the CNIC is held
    second = publish_application(cnic=cnic)
    case = settled(second["key"])
    assert case["state"] == "rejected" and "duplicate_identity" in flagged_checks(case)
