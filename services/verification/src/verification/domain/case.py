"""A verification case's states and its audit entries."""
import datetime as dt

CHECKING, IN_REVIEW, APPROVED, REJECTED, WITHDRAWN = "checking", "in_review", "approved", "rejected", "withdrawn"
OPEN = (CHECKING, IN_REVIEW)  # an amendment or withdrawal still applies
HOLDS_IDENTITY = (CHECKING, IN_REVIEW, APPROVED)  # another application with this CNIC is a duplicate

SYSTEM = "system"


def audit_entry(actor: str, action: str, detail: str = "", at: dt.datetime | None = None) -> dict:
    """One line of the case's append-only audit log: who did what, when."""
    return {"at": at or dt.datetime.now(dt.timezone.utc), "actor": actor, "action": action, "detail": detail}
