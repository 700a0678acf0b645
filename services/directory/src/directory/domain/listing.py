"""A public listing: what the directory keeps of an approved freelancer — public fields only."""
import datetime as dt

APPROVED, REVOKED_EVENT, EXPIRED_EVENT = "ApplicationApproved", "RegistrationRevoked", "RegistrationExpired"
REGISTRATION_ISSUED = "RegistrationIssued"  # the fee paid, the registration issued: the same payload
REINSTATED_EVENT = "RegistrationReinstated"  # two admins undid a revocation: in force again, or expired meanwhile
RENEWED_EVENT = "RegistrationRenewed"  # valid one period more: the same payload as an issue, a new valid_until
RENEWAL_REJECTED = "RenewalRejected"  # a renewal refused: in force still, or expired meanwhile
# The registrant took the listing out of the directory, or put it back (intake's ListingPreferenceChanged, passed on
# by verification): search, profiles, statistics and the open data leave an unlisted registration out; verify does not.
UNLISTED_EVENT, RELISTED_EVENT = "RegistrationUnlisted", "RegistrationRelisted"
# Events that list a registration: the one-stage approval of earlier versions (kept on the topic
# forever, so replays and rebuilds still see it) and the registration issued once the fee is paid.
LISTING_EVENTS = (APPROVED, REGISTRATION_ISSUED, RENEWED_EVENT)
# Events that change a stored listing's standing: revoked, expired, reinstated, a renewal refused, un-listed or
# listed again by the registrant.
# A registration erased after its legal retention (verification's ErasureCompleted names its number): the listing
# stays as a tombstone, so verify still says the number existed and how it ended, with no name nor profile.
ERASED_EVENT = "ErasureCompleted"
ERASED_PROFILE = {"full_name": "", "city": "", "province": "", "skills": [], "platforms": [], "headline": "",
                  "listed": False, "erased": True}
STANDING_EVENTS = (REVOKED_EVENT, EXPIRED_EVENT, REINSTATED_EVENT, RENEWAL_REJECTED, UNLISTED_EVENT, RELISTED_EVENT,
                   ERASED_EVENT)
VALID, EXPIRED, REVOKED, UNKNOWN, MISTYPED = "valid", "expired", "revoked", "unknown", "mistyped"
PUBLIC_FIELDS = ("registration_number", "full_name", "city", "province", "skills", "platforms", "headline",
                 "status", "valid_until")


class NotADecision(ValueError):
    """The event lacks a field the projection needs."""


def listing_from_approval(envelope: dict, source: dict | None = None) -> dict:
    """The read-model document for a listing event (LISTING_EVENTS; the payload's `contact` is never read).

    `source` is the topic position of the event ({topic, partition, offset}); it is stored with
    the listing so that a reader can follow the topic from there (see ListingRepository.positions)."""
    payload = envelope["payload"]
    profile = payload["profile"]
    return {
        "_id": payload["registration_number"],
        "registration_number": payload["registration_number"],
        "full_name": profile["full_name"],
        "city": profile["city"],
        "province": profile["province"],
        "skills": list(profile["skills"]),
        "platforms": [{"platform": p["platform"], "profile_url": p["profile_url"]} for p in profile["platforms"]],
        "headline": profile["headline"],
        "listed": bool(payload.get("listed")),
        "valid_until": payload["valid_until"],
        "approved_at": payload.get("approved_at") or envelope["occurred_at"],
        "revoked": False,
        "expired": False,  # set by RegistrationExpired (its validity ended); a renewal lists it afresh
        "application_id": envelope["key"],  # internal: which application it came from; never served
        "last_event_at": envelope["occurred_at"],
        "source": source,
    }


def registration_number_of(envelope: dict) -> str | None:
    """The registration an event concerns, or None for events that change no listing (flagged, rejected)."""
    if envelope["event_type"] in (*LISTING_EVENTS, *STANDING_EVENTS):
        try:
            return envelope["payload"]["registration_number"]
        except (KeyError, TypeError) as exc:
            raise NotADecision(f"{envelope['event_type']} lacks {exc}") from exc
    return None


def apply_decision(current: dict | None, envelope: dict, source: dict | None = None) -> dict | None:
    """The listing after `envelope` given the stored one (`current`), or None when it changes nothing:
    a listing event (re)lists the registration; a revocation, an expiry, a reinstatement or the registrant's
    un-listing or re-listing marks it (standing_change).

    Order-safe and repeatable: an event older than the one `current` comes from changes nothing,
    and applying the same event again gives the same listing. A revocation of an unknown
    registration changes nothing (its approval, on the same partition, always comes first)."""
    event_type = envelope["event_type"]
    try:
        if event_type in LISTING_EVENTS:
            listing = listing_from_approval(envelope, source)
            if current is not None and current["last_event_at"] > listing["last_event_at"]:
                return None
            return listing
        if event_type in STANDING_EVENTS:
            occurred_at = envelope["occurred_at"]
            if current is None or current["last_event_at"] > occurred_at:
                return None
            return {**current, **standing_change(envelope), "last_event_at": occurred_at, "source": source}
    except (KeyError, TypeError) as exc:
        raise NotADecision(f"{event_type} lacks {exc}") from exc
    return None


def standing_change(envelope: dict) -> dict:
    """The fields a revocation, an expiry or a reinstatement sets on a listing. A revocation keeps its date
    (verify shows it; the board's reason never reaches the directory); a reinstatement clears it and says
    whether the registration is in force again or expired while it was revoked; a refused renewal says
    whether it is still in force. The registrant's un-listing and re-listing set `listed`, the same flag the
    application's choice gave the listing (a later renewal carries the choice as it stands then)."""
    event_type, payload = envelope["event_type"], envelope["payload"]
    if event_type == ERASED_EVENT:
        return dict(ERASED_PROFILE)
    if event_type in (UNLISTED_EVENT, RELISTED_EVENT):
        return {"listed": event_type == RELISTED_EVENT}
    if event_type == REVOKED_EVENT:
        return {"revoked": True, "revoked_on": payload.get("revoked_on") or envelope["occurred_at"][:10]}
    if event_type == EXPIRED_EVENT:
        return {"expired": True}
    if payload["status"] not in ("approved", "expired"):
        raise NotADecision(f"{event_type} names status {payload['status']!r}")
    if event_type == RENEWAL_REJECTED:
        return {"expired": payload["status"] == "expired"}
    return {"revoked": False, "revoked_on": None, "expired": payload["status"] == "expired"}


def status_of(listing: dict | None, today: dt.date) -> str:
    if listing is None:
        return UNKNOWN
    if listing.get("revoked"):
        return REVOKED
    if listing.get("expired"):
        return EXPIRED
    return VALID if dt.date.fromisoformat(listing["valid_until"]) >= today else EXPIRED


def public_view(listing: dict, today: dt.date) -> dict:
    return {**{k: listing[k] for k in PUBLIC_FIELDS if k in listing}, "status": status_of(listing, today)}
