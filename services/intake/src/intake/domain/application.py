"""An application's life: its statuses, which moves are allowed, and what the timeline records."""
import datetime as dt

SUBMITTED, IN_REVIEW, APPROVED, REJECTED, WITHDRAWN = "submitted", "in_review", "approved", "rejected", "withdrawn"
STATUSES = (SUBMITTED, IN_REVIEW, APPROVED, REJECTED, WITHDRAWN)

# Statuses that hold the applicant's CNIC: a second application with it is refused.
HOLDS_CNIC = (SUBMITTED, IN_REVIEW, APPROVED)
# Statuses in which the applicant may still change, add documents to, or withdraw the application.
OPEN = (SUBMITTED, IN_REVIEW)

# Verification's decision event → the status it moves an open application to.
DECISION_STATUS = {
    "ApplicationFlagged": IN_REVIEW,
    "ApplicationApproved": APPROVED,
    "ApplicationRejected": REJECTED,
}
# What the timeline says of each decision.
DECISION_NOTES = {
    IN_REVIEW: "Sent to a reviewer",
    APPROVED: "Approved",
    REJECTED: "Rejected",
}

# What re-keying one application's CNIC index and claim did (service_layer/cnic_index.py).
CLAIM_MOVED = "claim moved"  # it holds the CNIC; its index and claim are the new index now
INDEX_MOVED = "index moved"  # it does not hold the CNIC: its index moved, it has no claim
CLAIM_CONFLICT = "conflict"  # another application holds the new index: its index moved, its claim did not
CHANGED_MEANWHILE = "changed"  # its index was no longer the one read (another run moved it)


class DuplicateCnic(Exception):
    """An active application or registration already holds this CNIC."""


def decision_allowed_from(status: str) -> list[str]:
    """The statuses a decision moving to `status` may apply in: a flag only to a submitted application
    (not one a reviewer has already), an outcome to any open one."""
    return [SUBMITTED] if status == IN_REVIEW else list(OPEN)


def timeline_entry(status: str, note: str, at: dt.datetime | None = None, reasons: list[str] | None = None) -> dict:
    return {"status": status, "note": note, "at": at or dt.datetime.now(dt.timezone.utc), "reasons": reasons or []}
