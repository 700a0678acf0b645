"""Projecting verification's decisions into the public listings (idempotent and order-safe).

Approvals create or refresh a listing; `RegistrationRevoked` {registration_number} marks
one revoked. Other decisions (flagged, rejected) concern no registration and change nothing.
"""
from eventkit.envelope import InvalidMessage
from eventkit.mongo import get_database
from directory.adapters.listings import ListingRepository
from directory.config import Config
from directory.domain.listing import listing_from_approval

GROUP = "directory-decisions"


def project(listings: ListingRepository, envelope: dict) -> None:
    event_type = envelope["event_type"]
    try:
        if event_type == "ApplicationApproved":
            listings.put_if_newer(listing_from_approval(envelope))
        elif event_type == "RegistrationRevoked":
            listings.revoke_if_newer(envelope["payload"]["registration_number"], envelope["occurred_at"])
    except (KeyError, TypeError) as exc:
        raise InvalidMessage(f"{event_type} lacks {exc}") from exc


def decision_handler(config: Config):
    """The handler the worker runs; the database is looked up per call, so it is built after fork."""
    def handle(envelope: dict) -> None:
        project(ListingRepository(get_database(config.mongodb_uri, config.mongodb_database)), envelope)
    return handle
