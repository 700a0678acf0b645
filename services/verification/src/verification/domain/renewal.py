"""The checks on a renewal request, and what they decide.

A renewal is checked as a new application is, with its own checks: the request came within its window
(from RENEWAL_OPENS_DAYS_BEFORE before the expiry to RENEWAL_GRACE_DAYS after; outside it, the renewal is
refused), it carries a proceeds realisation certificate (PRC) and a confirmed profile (without them a
reviewer looks), and the registrant's identity is not on the blocklist (a reviewer looks). A clean
request is approved in principle and its fee falls due; the same `outcome_of` as for applications.
"""
import dataclasses
import datetime as dt

from domainkit.documents import PRC
from domainkit.lifecycle import renewal_window
from domainkit.reasons import reason
from verification.domain.checks import FAIL, FLAG, PASS, CheckResult, Context, not_blocked, outcome_of
from verification.domain.facts import ApplicationFacts

__all__ = ["RenewalRequest", "run_renewal_checks", "outcome_of", "fee_cycle_of"]


@dataclasses.dataclass(frozen=True)
class RenewalRequest:
    """What verification knows of one renewal request."""
    event_id: str  # the RenewalRequested event's: names the request, and its fee cycle at payments
    requested_at: dt.datetime
    documents: tuple[str, ...]  # the kinds of document sent with it
    profile_confirmed: bool
    expires_at: dt.datetime  # the registration's current expiry
    opens_days_before: float
    grace_days: float


def fee_cycle_of(event_id: str) -> str:
    """The renewal's fee cycle at payments: one voucher per request, however often the request is delivered."""
    return f"renewal:{event_id}"


def within_window(request: RenewalRequest) -> CheckResult:
    opens_at, closes_at = renewal_window(request.expires_at, request.opens_days_before, request.grace_days)
    if opens_at <= request.requested_at < closes_at:
        return CheckResult("renewal_window", PASS)
    return CheckResult("renewal_window", FAIL,
                       reason("renewal_window", opens=f"{opens_at:%Y-%m-%d}", closes=f"{closes_at:%Y-%m-%d}"),
                       f"asked at {request.requested_at:%Y-%m-%d %H:%M}, window {opens_at:%Y-%m-%d %H:%M} – "
                       f"{closes_at:%Y-%m-%d %H:%M}")


def evidence_attached(request: RenewalRequest) -> CheckResult:
    missing = ([] if PRC in request.documents else ["the proceeds realisation certificate"]) + (
        [] if request.profile_confirmed else ["the confirmation of your profile"])
    if missing:
        code = {2: "renewal_needs_prc_and_confirmation"}.get(len(missing)) or (
            "renewal_needs_prc" if PRC not in request.documents else "renewal_needs_confirmation")
        return CheckResult("renewal_evidence", FLAG, reason(code), "missing: " + ", ".join(missing))
    return CheckResult("renewal_evidence", PASS, "", "PRC attached; profile confirmed")


def run_renewal_checks(request: RenewalRequest, facts: ApplicationFacts, context: Context) -> list[CheckResult]:
    """Every renewal check's result, in a fixed order."""
    blocked = not_blocked(facts, context)
    return [within_window(request), evidence_attached(request), dataclasses.replace(blocked, check="renewal_blocklist")]
