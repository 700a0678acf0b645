"""The automated checks as pure logic, with lookups answered by a fake (no servers)."""
import dataclasses
import datetime as dt

import pytest

from verification.bootstrap import load_blocklist
from verification.domain import checks
from verification.domain.facts import ApplicationFacts

TODAY = dt.date(2026, 11, 29)


class FakeLookups:
    def __init__(self, cnic_elsewhere=False, shared=()):
        self.cnic_elsewhere, self.shared = cnic_elsewhere, list(shared)

    def cnic_held_elsewhere(self, application_id):
        return self.cnic_elsewhere

    def contact_shared_with_other_identity(self, application_id):
        return self.shared


CLEAN = ApplicationFacts(application_id="a1", full_name="Ayesha Khan", cnic="3520212345672",
                         date_of_birth=dt.date(1995, 4, 12), gender="female", province="Punjab", city="Lahore",
                         email="ayesha@example.pk", mobile="+923001234567",
                         platforms=(("upwork", "https://www.upwork.com/freelancers/~01"),), language="en")


def decide(facts=CLEAN, lookups=None, blocklist=frozenset()):
    context = checks.Context(lookups or FakeLookups(), TODAY, checks.DISPOSABLE_DOMAINS, blocklist)
    results = checks.run_checks(facts, context)
    return checks.outcome_of(results), {r.check: r.outcome for r in results if r.outcome != checks.PASS}


def test_clean_application_is_approved():
    assert decide() == ((checks.APPROVE, []), {})


@pytest.mark.parametrize("change,check", [
    ({"province": "Sindh"}, "cnic_province"),
    ({"cnic": "2520212345672", "province": "Khyber Pakhtunkhwa"}, None),  # former FATA digit is KP: no flag
    ({"gender": "male"}, "cnic_gender"),
    ({"gender": "other"}, None),  # other skips the parity check
    ({"platforms": (("github", "https://github.com/"),)}, "platform_profiles"),
])
def test_soft_flags(change, check):
    (outcome, reasons), flagged = decide(dataclasses.replace(CLEAN, **change))
    if check is None:
        assert outcome == checks.APPROVE
    else:
        assert outcome == checks.REVIEW and flagged == {check: checks.FLAG} and reasons


@pytest.mark.parametrize("change,check", [
    ({"cnic": "35202123456"}, "cnic_format"),
    ({"date_of_birth": dt.date(2008, 11, 30)}, "age"),  # 17 years and 364 days
    ({"email": "x@mailinator.com"}, "disposable_email"),
    ({"platforms": (("upwork", "https://evil.example/upwork"),)}, "platform_profiles"),
])
def test_hard_failures_reject_with_actionable_reasons(change, check):
    (outcome, reasons), flagged = decide(dataclasses.replace(CLEAN, **change))
    assert outcome == checks.REJECT and flagged.get(check) == checks.FAIL and all(reasons)


def test_exactly_eighteen_today_is_an_adult():
    assert decide(dataclasses.replace(CLEAN, date_of_birth=dt.date(2008, 11, 29)))[0][0] == checks.APPROVE


def test_duplicates_and_shared_contacts_come_from_the_lookups():
    assert decide(lookups=FakeLookups(cnic_elsewhere=True))[1] == {"duplicate_identity": checks.FAIL}
    assert decide(lookups=FakeLookups(shared=["email"]))[1] == {"shared_contact": checks.FLAG}


def test_a_failure_outweighs_flags():
    (outcome, reasons), flagged = decide(dataclasses.replace(CLEAN, province="Sindh", email="x@yopmail.com"))
    assert outcome == checks.REJECT and len(reasons) == 1


def test_blocklist_flags_without_telling_the_applicant_why(tmp_path):
    listing = tmp_path / "blocked.txt"
    listing.write_text("# fraud cases\ncnic:3520212345672\ndomain:Example.PK\n")
    (outcome, reasons), flagged = decide(blocklist=load_blocklist(str(listing)))
    assert outcome == checks.REVIEW and flagged == {"blocklist": checks.FLAG}
    assert "blocklist" not in reasons[0]


def test_every_check_is_behind_the_one_interface():
    assert [c.name for c in checks.CHECKS] == ["cnic_format", "cnic_province", "cnic_gender", "age",
                                                 "duplicate_identity", "shared_contact", "platform_profiles",
                                                 "disposable_email", "blocklist"]


def test_a_check_result_as_a_dict_holds_every_field():
    import dataclasses

    from verification.domain.checks import CheckResult
    result = CheckResult("age", "fail", "Too young", "born 2010-01-01")
    assert result.as_dict() == dataclasses.asdict(result)
