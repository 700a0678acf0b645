"""The registrant asks to renew a registration, with a proceeds realisation certificate (PRC) and their
profile confirmed, from a number of days before its expiry until a grace period after it (settings).

One write moves the application to `renewal_requested`, notes the PRC and stores RenewalRequested in
its outbox, conditioned on the status read: two requests at once, or a request racing a revocation,
leave one outcome. The PRC itself is stored first (replacing an earlier renewal's), so the event never
names a document that is not there. Verification checks the request as it checks a new application.
"""
import datetime as dt

from domainkit.lifecycle import expires_at_of, renewal_window
from intake.domain import application as lifecycle
from intake.domain import events
from intake.domain.documents import PRC
from intake.service_layer.dependencies import Dependencies


class NotRenewable(Exception):
    """The application has no registration that may be renewed (open, refused, revoked, or being renewed)."""


class RenewalClosed(Exception):
    """The renewal window has not opened yet, or has closed; `opens_at`, `closes_at` say when it is."""

    def __init__(self, opens_at: dt.datetime, closes_at: dt.datetime):
        super().__init__(f"Renewal is open from {opens_at:%Y-%m-%d %H:%M} until {closes_at:%Y-%m-%d %H:%M} UTC.")
        self.opens_at, self.closes_at = opens_at, closes_at


def registration_expires_at(doc: dict) -> dt.datetime | None:
    """When the application's registration ends: the exact time verification sent, or the end of its last
    valid day for a registration recorded before that was kept; None without a registration."""
    decision = doc.get("decision") or {}
    if decision.get("expires_at"):
        return dt.datetime.fromisoformat(decision["expires_at"])
    if decision.get("valid_until"):
        return expires_at_of(dt.date.fromisoformat(decision["valid_until"]))
    return None


def window_of(deps: Dependencies, doc: dict) -> tuple[dt.datetime, dt.datetime] | None:
    """(opens_at, closes_at) of the application's renewal, or None when it cannot be renewed at all."""
    expires_at = registration_expires_at(doc)
    if doc["status"] not in lifecycle.RENEWABLE or expires_at is None:
        return None
    return renewal_window(expires_at, deps.renewal_opens_days_before, deps.renewal_grace_days)


def request_renewal(deps: Dependencies, doc: dict, content_type: str, content: bytes) -> dict:
    """Ask for renewal with the PRC (`content`, already read and typed); the application after it.
    NotRenewable, or RenewalClosed outside the window."""
    window = window_of(deps, doc)
    if window is None:
        raise NotRenewable()
    now = deps.now()
    if not window[0] <= now < window[1]:
        raise RenewalClosed(*window)
    info = deps.documents.put(doc["_id"], PRC, content_type, content)
    event = events.renewal_requested(doc["_id"], doc["decision"]["registration_number"], info,
                                     doc.get("language", "en"))
    renewing = deps.applications.request_renewal(
        doc["_id"], doc["status"], info,
        lifecycle.timeline_entry(lifecycle.RENEWAL_REQUESTED, lifecycle.DECISION_NOTES[lifecycle.RENEWAL_REQUESTED],
                                 now), event)
    if renewing is None:
        raise NotRenewable()
    return renewing
