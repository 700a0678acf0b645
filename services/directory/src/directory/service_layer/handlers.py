"""Projecting verification's decisions into the public listings (idempotent and order-safe).

Approvals create or refresh a listing; `RegistrationRevoked` {registration_number} marks
one revoked. Other decisions (flagged, rejected) concern no registration and change nothing.
Each write stores the topic position of its event with the listing (see ListingRepository).
"""
from directory.adapters.listings import ListingRepository
from directory.bootstrap import listings_for
from directory.config import Config
from directory.domain.listing import APPROVED, REVOKED_EVENT, NotADecision, listing_from_approval
from eventkit.envelope import InvalidMessage
from eventkit.position import current_position

GROUP = "directory-decisions"


def project(listings: ListingRepository, envelope: dict, source: dict | None) -> None:
    event_type = envelope["event_type"]
    try:
        if event_type == APPROVED:
            listings.store_unless_newer(listing_from_approval(envelope, source))
        elif event_type == REVOKED_EVENT:
            listings.revoke_unless_newer(envelope["payload"]["registration_number"], envelope["occurred_at"], source)
    except (KeyError, TypeError, NotADecision) as exc:
        raise InvalidMessage(f"{event_type} lacks {exc}") from exc


HANDLERS = {APPROVED: project, REVOKED_EVENT: project}  # the directory's event -> handler table


def decision_handler(config: Config):
    """The handler the worker runs; the database is looked up per call, so it is built after fork."""
    def handle(envelope: dict) -> None:
        handler = HANDLERS.get(envelope["event_type"])
        if handler is None:
            return
        position = current_position()
        handler(listings_for(config), envelope, position.as_document() if position else None)
    return handle
