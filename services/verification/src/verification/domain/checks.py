"""The automated checks behind one interface, and what their results decide.

Each check looks at an application and answers pass, flag (a human should look: soft)
or fail (reject: hard), with a reason the applicant can act on and a detail for the
reviewer. A national identity registry lookup would be one more `Check`.
"""
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urlsplit

from domainkit.identity import cnic_gender, cnic_province, normalise_cnic
from domainkit.people import ADULT_AGE, age_on
from domainkit.platforms import profile_url_problem
from domainkit.reasons import reason
from verification.domain.facts import ApplicationFacts

PASS, FLAG, FAIL = "pass", "flag", "fail"
APPROVE, REVIEW, REJECT = "approve", "review", "reject"


@dataclasses.dataclass(frozen=True)
class CheckResult:
    check: str
    outcome: str
    reason: str = ""  # shown to the applicant
    detail: str = ""  # shown to reviewers only

    def as_dict(self) -> dict:
        # Not dataclasses.asdict: its recursive deep copy cost 60 µs a result, 9 results a case.
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


class Lookups(Protocol):
    """What checks may ask about other applications (answered from verification's database)."""

    def cnic_held_elsewhere(self, application_id: str) -> bool: ...

    def contact_shared_with_other_identity(self, application_id: str) -> list[str]: ...


@dataclasses.dataclass(frozen=True)
class Context:
    lookups: Lookups
    today: dt.date
    disposable_domains: frozenset[str]
    blocklist: frozenset[str]  # "cnic:…", "email:…", "mobile:…", "domain:…"


class Check(Protocol):
    name: str

    def __call__(self, facts: ApplicationFacts, context: Context) -> CheckResult: ...


def check(name: str):
    """Register a function as a check under `name`."""
    def wrap(fn):
        fn.name = name
        CHECKS.append(fn)
        return fn
    return wrap


CHECKS: list[Check] = []


@check("cnic_format")
def cnic_format(facts, context):
    if normalise_cnic(facts.cnic) != facts.cnic:
        return CheckResult("cnic_format", FAIL, reason("cnic_invalid"))
    return CheckResult("cnic_format", PASS)


@check("cnic_province")
def cnic_matches_province(facts, context):
    if normalise_cnic(facts.cnic) is None:
        return CheckResult("cnic_province", PASS, detail="not applicable: CNIC invalid")
    issued_in = cnic_province(facts.cnic)
    if issued_in != facts.province:
        return CheckResult("cnic_province", FLAG, reason("cnic_province"),
                           f"CNIC issued in {issued_in}; applicant states {facts.province}")
    return CheckResult("cnic_province", PASS)


@check("cnic_gender")
def cnic_matches_gender(facts, context):
    if facts.gender == "other" or normalise_cnic(facts.cnic) is None:
        return CheckResult("cnic_gender", PASS, detail="not applicable")
    if cnic_gender(facts.cnic) != facts.gender:
        return CheckResult("cnic_gender", FLAG, reason("cnic_gender"),
                           f"CNIC digit says {cnic_gender(facts.cnic)}; form says {facts.gender}")
    return CheckResult("cnic_gender", PASS)


@check("age")
def adult(facts, context):
    age = age_on(facts.date_of_birth, context.today)
    if age < ADULT_AGE:
        return CheckResult("age", FAIL, reason("underage", age=ADULT_AGE), f"age {age}")
    return CheckResult("age", PASS)


@check("duplicate_identity")
def unique_identity(facts, context):
    if context.lookups.cnic_held_elsewhere(facts.application_id):
        return CheckResult("duplicate_identity", FAIL, reason("duplicate_identity"),
                           "another case with the same CNIC is open or approved")
    return CheckResult("duplicate_identity", PASS)


@check("shared_contact")
def contact_not_shared(facts, context):
    shared = context.lookups.contact_shared_with_other_identity(facts.application_id)
    if shared:
        return CheckResult("shared_contact", FLAG, reason("shared_contact"),
                           "shared with another CNIC: " + ", ".join(shared))
    return CheckResult("shared_contact", PASS)


@check("platform_profiles")
def plausible_profiles(facts, context):
    for platform, url in facts.platforms:
        problem = profile_url_problem(platform, url)
        if problem:
            return CheckResult("platform_profiles", FAIL, reason("profile_invalid", platform=platform, problem=problem),
                               url)
        if platform != "other" and urlsplit(url).path.strip("/") == "":
            return CheckResult("platform_profiles", FLAG, reason("profile_home_page", platform=platform), url)
    return CheckResult("platform_profiles", PASS)


@check("disposable_email")
def permanent_email(facts, context):
    domain = facts.email.rsplit("@", 1)[-1].lower()
    if domain in context.disposable_domains:
        return CheckResult("disposable_email", FAIL, reason("disposable_email"), domain)
    return CheckResult("disposable_email", PASS)


@check("blocklist")
def not_blocked(facts, context):
    keys = {f"cnic:{facts.cnic}", f"email:{facts.email.lower()}", f"mobile:{facts.mobile}",
            f"domain:{facts.email.rsplit('@', 1)[-1].lower()}"}
    hits = sorted(keys & context.blocklist)
    if hits:
        return CheckResult("blocklist", FLAG, reason("blocklist"),
                           "blocklist: " + ", ".join(h.split(":", 1)[0] for h in hits))
    return CheckResult("blocklist", PASS)


# Findings a reviewer may approve over only with a second reviewer's confirmation (four eyes). A failed check
# rejects at once and nobody approves over it (a CNIC that cannot be one, an applicant under 18, a CNIC another
# live application holds); of the flags, a hit on the board's own blocklist is the one hard finding a human may
# still overrule, once two agree (domain.board_actions, APPROVE).
HARD_FINDINGS = frozenset({"blocklist"})


def needs_second_reviewer(checks: list[dict]) -> bool:
    """Whether approving a case with these check results takes two reviewers."""
    return any(c["check"] in HARD_FINDINGS and c["outcome"] != PASS for c in checks)


CHECK_NAMES = tuple(c.name for c in CHECKS)  # each check's name, as results and the queue's flag filter say it


def run_checks(facts: ApplicationFacts, context: Context, checks: Iterable[Check] = None) -> list[CheckResult]:
    return [c(facts, context) for c in (CHECKS if checks is None else checks)]


def outcome_of(results: list[CheckResult]) -> tuple[str, list[str]]:
    """Any failure rejects; else any flag sends to review; else approve. Returns (outcome, reasons)."""
    failed = [r.reason for r in results if r.outcome == FAIL]
    if failed:
        return REJECT, failed
    flagged = [r.reason for r in results if r.outcome == FLAG]
    if flagged:
        return REVIEW, flagged
    return APPROVE, []


DISPOSABLE_DOMAINS = frozenset({
    "mailinator.com", "10minutemail.com", "guerrillamail.com", "guerrillamail.net", "sharklasers.com",
    "yopmail.com", "temp-mail.org", "tempmail.com", "trashmail.com", "getnada.com", "dispostable.com",
    "maildrop.cc", "throwawaymail.com", "fakeinbox.com", "mintemail.com", "mohmal.com", "emailondeck.com",
})
