"""An application's life as intake keeps it: its statuses, which moves are allowed, and what the timeline records.

The statuses and the moves are the registration lifecycle's (domainkit.lifecycle, docs/lifecycle.md);
this module says which of them intake applies and how its timeline words them.
"""
import datetime as dt

from domainkit import lifecycle as registration
from domainkit.lifecycle import (APPROVED, AWAITING_PAYMENT, EXPIRED, IN_REVIEW, LAPSED, REJECTED, RENEWAL_REQUESTED,
                                 REVOKED, SUBMITTED, WITHDRAWN)

STATUSES = registration.STATUSES

# Statuses that hold the applicant's CNIC: a second application with it is refused. An expired
# registration holds it too until its renewal grace ends (releasing it then comes with expiry).
HOLDS_CNIC = tuple(s for s in STATUSES if registration.holds_cnic(s, within_grace=True))
# Statuses in which the applicant may still change, add documents to, or withdraw the application.
OPEN = registration.OPEN
# Statuses whose registration is in force (a renewal under way keeps it so): its registrant may download the
# certificate, and take the registration out of the public directory or put it back (service_layer/listing.py).
IN_FORCE = (APPROVED, RENEWAL_REQUESTED)
# Statuses from which the registrant may ask for renewal (within the renewal window: service_layer/renewals.py).
RENEWABLE = registration.MOVES[registration.RENEWAL_REQUESTED_EVENT].sources

# ApplicationApproved is the one-stage approval of earlier versions (number and validity at once);
# kept forever on the topic, so a replay must still apply it. It moves an open application.
LEGACY_APPROVED = "ApplicationApproved"

# Verification's event → the status it moves the application to.
DECISION_STATUS = {
    registration.APPLICATION_FLAGGED: IN_REVIEW,
    registration.APPLICATION_APPROVED_IN_PRINCIPLE: AWAITING_PAYMENT,
    registration.REGISTRATION_ISSUED: APPROVED,
    LEGACY_APPROVED: APPROVED,
    registration.APPLICATION_REJECTED: REJECTED,
    registration.APPLICATION_LAPSED: LAPSED,
    registration.REGISTRATION_EXPIRED: EXPIRED,
    registration.REGISTRATION_REVOKED: REVOKED,
    registration.REGISTRATION_REINSTATED: APPROVED,  # or EXPIRED, as the event says (status_after)
    registration.REGISTRATION_RENEWED: APPROVED,  # valid one more period from the old expiry
    registration.RENEWAL_REJECTED: APPROVED,  # or EXPIRED, as the event says (status_after)
}
# Statuses whose decision names the registration (its number and validity stay on the applicant's view).
WITH_REGISTRATION = (APPROVED, EXPIRED, REVOKED)
# What the timeline says of each status it records.
DECISION_NOTES = {
    IN_REVIEW: "Sent to a reviewer",
    AWAITING_PAYMENT: "Approved in principle: the registration fee is due",
    APPROVED: "Registered",
    REJECTED: "Rejected",
    LAPSED: "Lapsed: the fee was not paid by the due date",
    RENEWAL_REQUESTED: "Renewal requested",
    EXPIRED: "Expired",
    REVOKED: "Revoked",
}

# The timeline's notes of a withdrawal asked for while the fee is due, and of its taking effect.
WITHDRAWAL_ASKED = "Withdrawal asked for: it takes effect once the fee voucher is cancelled"
WITHDRAWN_WITH_VOUCHER = "Withdrawn by the applicant: the fee voucher is cancelled"

# Verification's word that an expired registration's renewal grace period is over (no status moves; the
# CNIC claim is released).
RENEWAL_GRACE_ENDED = "RenewalGraceEnded"

# Events whose timeline entry says more than the status they move to.
EVENT_NOTES = {registration.REGISTRATION_REINSTATED: "Reinstated by the board",
               registration.REGISTRATION_RENEWED: "Renewed", registration.RENEWAL_REJECTED: "Renewal refused"}
# Lapses whose cause (in the event's payload) is not the unpaid fee.
CAUSE_NOTES = {"information_not_provided": "Lapsed: the information a reviewer asked for was not sent in time"}


def note_of(event_type: str, status: str, payload: dict) -> str:
    """What the timeline says of verification's `event_type` moving the application to `status`."""
    return CAUSE_NOTES.get(payload.get("cause")) or EVENT_NOTES.get(event_type) or DECISION_NOTES[status]


# Events whose payload names the status they land on (approved, or expired when the validity ended meanwhile).
STATUS_FROM_PAYLOAD = (registration.REGISTRATION_REINSTATED, registration.RENEWAL_REJECTED)


class NotAStatus(ValueError):
    """The event names a status it cannot move the application to."""


def status_after(event_type: str, payload: dict) -> str:
    """The status verification's `event_type` moves an application to: a reinstatement or a refused renewal
    says which itself
    (`approved`, or `expired` when its validity ended while it was revoked); NotAStatus otherwise."""
    if event_type in STATUS_FROM_PAYLOAD:
        status = payload.get("status")
        if status not in (APPROVED, EXPIRED):
            raise NotAStatus(f"{event_type} names status {status!r}: only approved or expired")
        return status
    return DECISION_STATUS[event_type]


# What re-keying one application's CNIC index and claim did (service_layer/cnic_index.py).
CLAIM_MOVED = "claim moved"  # it holds the CNIC; its index and claim are the new index now
INDEX_MOVED = "index moved"  # it does not hold the CNIC: its index moved, it has no claim
CLAIM_CONFLICT = "conflict"  # another application holds the new index: its index moved, its claim did not
CHANGED_MEANWHILE = "changed"  # its index was no longer the one read (another run moved it)


class DuplicateCnic(Exception):
    """An active application or registration already holds this CNIC."""


def decision_allowed_from(event_type: str) -> list[str]:
    """The statuses verification's `event_type` may move an application from: the lifecycle's sources
    for it (a flag only to a submitted application, an outcome to any open one, a registration only
    to one whose fee was due, a lapse likewise); the legacy one-stage approval to any open one."""
    if event_type == LEGACY_APPROVED:
        return list(OPEN)
    return list(registration.MOVES[event_type].sources)


def timeline_entry(status: str, note: str, at: dt.datetime | None = None, reasons: list[str] | None = None) -> dict:
    return {"status": status, "note": note, "at": at or dt.datetime.now(dt.timezone.utc), "reasons": reasons or []}
