"""Projecting verification's decisions into the public listings (idempotent and order-safe).

Approvals (ApplicationApproved of the one-stage approval, RegistrationIssued once the fee is paid,
RegistrationRenewed once a renewal's fee is paid) create or refresh a listing; `RegistrationRevoked`
{registration_number, revoked_on} marks one revoked (out of search; verify says so, with the date),
`RegistrationExpired` one expired (search leaves it out unless asked), `RegistrationReinstated`
{registration_number, status} undoes a revocation, and `RenewalRejected` {registration_number, status}
says whether the registration is still in force. `RegistrationUnlisted` / `RegistrationRelisted`
{registration_number} take the listing out of search, profiles, statistics and the open data, or put it
back, at its registrant's wish (verify still answers for the number). Other decisions (flagged, rejected)
concern no registration and change nothing.
Each write stores the topic position of its event with the listing (see ListingRepository).
"""
from directory.domain.listing import (LISTING_EVENTS, STANDING_EVENTS, NotADecision, listing_from_approval,
                                     standing_change)
from eventkit.envelope import InvalidMessage

GROUP = "directory-decisions"


def list_approved(listings, envelope: dict, source: dict | None) -> None:
    listings.store_unless_newer(listing_from_approval(envelope, source))


def change_standing(listings, envelope: dict, source: dict | None) -> None:
    """Revoked, expired, reinstated, un-listed or listed again (domain.listing.standing_change), unless the listing
    is from a newer event."""
    listings.mark_unless_newer(envelope["payload"]["registration_number"], standing_change(envelope),
                               envelope["occurred_at"], source)


# the directory's event -> handler table
HANDLERS = {**{event_type: list_approved for event_type in LISTING_EVENTS},
            **{event_type: change_standing for event_type in STANDING_EVENTS}}


def list_all_approved(listings, approvals: list[tuple[dict, dict | None]]) -> None:
    """`list_approved` for a poll's approvals together ((envelope, source) pairs): one bulk write of
    conditional replacements, so the same order rules hold (an older approval of a number, even in
    the same batch, never replaces a newer one). An approval without its fields raises, and the
    consumer loop then takes the batch one by one, where it becomes an invalid message."""
    listings.store_all_unless_newer([listing_from_approval(envelope, source) for envelope, source in approvals])


# event types the worker applies a poll at a time
BATCH_HANDLERS = {event_type: list_all_approved for event_type in LISTING_EVENTS}


def handle_decision(listings, envelope: dict, source: dict | None) -> None:
    """Apply one of verification's decisions; the other event types change no listing."""
    handler = HANDLERS.get(envelope["event_type"])
    if handler is None:
        return
    try:
        handler(listings, envelope, source)
    except (KeyError, TypeError, NotADecision) as exc:
        raise InvalidMessage(f"{envelope['event_type']} lacks {exc}") from exc
