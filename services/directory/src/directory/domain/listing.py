"""A public listing: what the directory keeps of an approved freelancer — public fields only."""
import datetime as dt

VALID, EXPIRED, REVOKED, UNKNOWN, MISTYPED = "valid", "expired", "revoked", "unknown", "mistyped"
PUBLIC_FIELDS = ("registration_number", "full_name", "city", "province", "skills", "platforms", "headline",
                 "status", "valid_until")


def listing_from_approval(envelope: dict) -> dict:
    """The read-model document for an ApplicationApproved event (the payload's `contact` is never read)."""
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
        "application_id": envelope["key"],  # internal: which application it came from; never served
        "last_event_at": envelope["occurred_at"],
    }


def status_of(listing: dict | None, today: dt.date) -> str:
    if listing is None:
        return UNKNOWN
    if listing.get("revoked"):
        return REVOKED
    return VALID if dt.date.fromisoformat(listing["valid_until"]) >= today else EXPIRED


def public_view(listing: dict, today: dt.date) -> dict:
    return {**{k: listing[k] for k in PUBLIC_FIELDS if k in listing}, "status": status_of(listing, today)}
