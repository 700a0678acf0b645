"""The registrant's choice to appear in the public directory, from intake's ListingPreferenceChanged
{application_id, registration_number, listed}: kept on the case (so a later RegistrationRenewed lists or
leaves out the registration as chosen), and passed on to the directory as RegistrationUnlisted or
RegistrationRelisted {application_id, registration_number}, in the same write of the case.

Once per intake event (apply_once): a redelivery emits nothing. Intake takes the choice only for a registration
in force; the case follows it whatever its state since (a revocation racing it still leaves the choice
recorded, and a reinstatement keeps it). An event naming another registration than the case holds changes
nothing; one for an application verification does not know can never succeed (a dead letter)."""
import logging

from eventkit.envelope import InvalidMessage
from verification.domain import events
from verification.domain.case import audit_entry
from verification.service_layer.dependencies import Dependencies

log = logging.getLogger(__name__)


def change_listing(deps: Dependencies, envelope: dict) -> bool:
    """ListingPreferenceChanged: keep the choice on the case and tell the directory; False when nothing changed."""
    payload = envelope["payload"]
    application_id = payload.get("application_id") or envelope["key"]
    number, listed = payload.get("registration_number"), payload.get("listed")
    if not isinstance(number, str) or not isinstance(listed, bool):
        raise InvalidMessage(f"ListingPreferenceChanged for {application_id} lacks registration_number or listed")
    case = deps.cases.get(application_id)
    if case is None:
        raise InvalidMessage(f"ListingPreferenceChanged for unknown application {application_id}")
    if (case.get("decision") or {}).get("registration_number") != number:
        log.info("ListingPreferenceChanged for %s changed nothing: the case holds no registration %s",
                 application_id, number)
        return False
    audit = audit_entry("applicant", "relisted" if listed else "unlisted", number, deps.now())
    changed = deps.cases.record_listing_preference(application_id, number, listed, envelope["event_id"], audit,
                                                   events.listing_changed(application_id, number, listed, envelope))
    if not changed:
        log.info("ListingPreferenceChanged for %s changed nothing (already applied)", application_id)
    return changed
