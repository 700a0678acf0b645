"""The decisions verification publishes on `verification.events`, keyed by application id (docs/events.md).

`contact` is sealed under EVENT_PII_KEY (for notification); the directory reads only
`profile`, `listed`, `registration_number`, `valid_until`.
"""
from eventkit.envelope import new_event

SOURCE = "verification"
FLAGGED, REJECTED = "ApplicationFlagged", "ApplicationRejected"
# the two-stage approval (domainkit.lifecycle): approved in principle (the fee due), then the registration
# issued once the fee is paid, or the lapse when it is not
APPROVED_IN_PRINCIPLE = "ApplicationApprovedInPrinciple"
REGISTRATION_ISSUED, LAPSED = "RegistrationIssued", "ApplicationLapsed"
# a registration's end: a reminder before its expiry (for notification only; no status moves), then the expiry
EXPIRING, EXPIRED = "RegistrationExpiring", "RegistrationExpired"
# renewal (domain.renewal): checked and approved in principle (its fee due), renewed once paid, or refused; and
# the end of an expired registration's renewal grace period (intake frees the CNIC; no status moves)
RENEWAL_APPROVED_IN_PRINCIPLE, RENEWED = "RenewalApprovedInPrinciple", "RegistrationRenewed"
RENEWAL_REJECTED, GRACE_ENDED = "RenewalRejected", "RenewalGraceEnded"
# the board's actions, each by two admins (domain.board_actions)
REVOKED, REINSTATED = "RegistrationRevoked", "RegistrationReinstated"
# a reviewer asks the applicant for more (domain.information): the request, a reminder before its deadline
INFORMATION_REQUESTED, INFORMATION_REMINDER = "InformationRequested", "InformationReminder"
# a reviewer (admin, auditor) looked at the case or one of its documents: the applicant sees the role and the time
RECORD_VIEWED = "RecordViewed"
# the registrant took their registration out of the public directory, or put it back (intake's
# ListingPreferenceChanged): for the directory only, no one is told
UNLISTED, RELISTED = "RegistrationUnlisted", "RegistrationRelisted"
PROFILE_FIELDS = ("full_name", "city", "province", "skills", "platforms", "headline")


def decision_event(event_type: str, case: dict, reasons: list[str], contact: str, caused_by: dict | None = None,
                   **extra) -> dict:
    payload = {"application_id": case["_id"], "reasons": reasons, "language": case["language"],
               "contact": contact, **extra}
    return new_event(event_type, case["_id"], payload, source=SOURCE, caused_by=caused_by)


def profile_of(case: dict) -> dict:
    return {field: case["public"][field] for field in PROFILE_FIELDS}


def record_viewed(application_id: str, role: str, what: str) -> dict:
    """A look at the applicant's record for intake's "who looked at my record": the role only, never the name;
    `what` is "case" or "document:<kind>"."""
    return new_event(RECORD_VIEWED, application_id, {"application_id": application_id, "role": role, "what": what},
                     source=SOURCE)


def listing_changed(application_id: str, registration_number: str, listed: bool, caused_by: dict) -> dict:
    """The registration leaves the public directory (`listed` false) or returns to it: no contact, no reasons."""
    return new_event(RELISTED if listed else UNLISTED, application_id,
                     {"application_id": application_id, "registration_number": registration_number},
                     source=SOURCE, caused_by=caused_by)


ERASURE_COMPLETED = "ErasureCompleted"


def erasure_completed(application_id: str, registration_number: str | None, caused_by: dict) -> dict:
    """Verification holds nothing personal of the application any more; the directory removes a listing of
    `registration_number` (a registration erased after its legal retention), intake notes the completion."""
    return new_event(ERASURE_COMPLETED, application_id,
                     {"application_id": application_id, "service": SOURCE, "registration_number": registration_number},
                     source=SOURCE, caused_by=caused_by)
