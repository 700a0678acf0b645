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


def timeline_entry(status: str, note: str, at: dt.datetime | None = None, reasons: list[str] | None = None) -> dict:
    return {"status": status, "note": note, "at": at or dt.datetime.now(dt.timezone.utc), "reasons": reasons or []}
