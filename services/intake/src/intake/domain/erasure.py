"""Erasing an applicant's personal data, and the retention policy that does it unasked.

An applicant may ask to erase an application that ended without a registration (rejected, withdrawn, lapsed);
the policy erases those ERASE_CLOSED_AFTER_DAYS after they ended (default two years), and registrations the board
must keep ERASE_REGISTRATIONS_AFTER_YEARS after they ended (expired or revoked). Erasure destroys the application's
data keys (domain/data_keys.py: every sealed copy, in any topic or read model, is unreadable from then on),
removes intake's own copy and documents, and tells every service (ApplicationErased), each of which removes what
it holds and says so (ErasureCompleted): the status page shows who has.
"""
import datetime as dt

from domainkit.lifecycle import EXPIRED, LAPSED, REJECTED, REVOKED, WITHDRAWN

ERASABLE_ON_REQUEST = (REJECTED, WITHDRAWN, LAPSED)
ENDED_REGISTRATIONS = (EXPIRED, REVOKED)
APPLICANT, RETENTION = "applicant", "retention"  # who asked
REPORTING_SERVICES = ("intake", "verification", "notification", "payments")  # the services that report completion


class NotErasable(Exception):
    """Open, or a registration the board must keep: it cannot be erased (yet)."""


def erase_after(status: str, closed_after_days: float, registrations_after_years: float) -> dt.timedelta | None:
    """How long after it ended an application of `status` is kept; None when the policy never erases it (open,
    or in force)."""
    if status in ERASABLE_ON_REQUEST:
        return dt.timedelta(days=closed_after_days)
    if status in ENDED_REGISTRATIONS:
        return dt.timedelta(days=365.25 * registrations_after_years)
    return None


def erasure_record(cause: str, at: dt.datetime) -> dict:
    """What an erased application keeps of its erasure: why, when, and which services have finished."""
    return {"cause": cause, "at": at, "completed_by": {"intake": at}}
