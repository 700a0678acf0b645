"""The registrant takes their registration out of the public directory, or puts it back, from the status page or
the API. The choice is the application's `listed` (what the applicant chose when applying), kept in one write
with ListingPreferenceChanged in the application's outbox; verification keeps it on the case and tells the
directory (RegistrationUnlisted / RegistrationRelisted), which leaves the registration out of search, profiles,
statistics and the open data, or shows it again. Verify keeps answering for the number either way.

Only a registration in force (registered, or being renewed) may change it. Asking for what is already so
changes nothing and publishes nothing."""
from intake.domain import application as lifecycle
from intake.domain import events
from intake.service_layer.dependencies import Dependencies


class NotListable(Exception):
    """The application holds no registration in force (not yet registered, expired, revoked or closed)."""


def set_listed(deps: Dependencies, doc: dict, listed: bool) -> dict:
    """The application after the registrant's choice to be `listed` in the public directory or not; NotListable
    when it holds no registration in force."""
    number = (doc.get("decision") or {}).get("registration_number")
    if doc["status"] not in lifecycle.IN_FORCE or not number:
        raise NotListable(doc["status"])
    if doc["public"].get("listed") == listed:
        return doc
    changed = deps.applications.record_listing_preference(
        doc["_id"], listed, deps.now(), events.listing_preference_changed(doc["_id"], number, listed))
    if changed is not None:
        return changed
    # Not in force any more, or another request made the same choice meanwhile: what is stored now says which.
    current = deps.applications.get(doc["_id"])
    if current is None or current["status"] not in lifecycle.IN_FORCE or current["public"].get("listed") != listed:
        raise NotListable(current["status"] if current else None)
    return current
