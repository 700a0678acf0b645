"""What the public asks the directory: a profile, a registration-number check, a search and the
statistics. Profiles and checks read the listings collection (by `_id`); search and statistics
read the process's in-memory index (domain/search_index.py), kept current by a SearchFeed."""
import datetime as dt
from collections import Counter

from directory.domain.listing import MISTYPED, REVOKED, UNKNOWN, VALID, public_view, status_of
from domainkit.registration import parse_registration_number

MESSAGES = {
    "valid": "This registration is valid.",
    "expired": "This registration has expired.",
    "revoked": "This registration was revoked.",
    "unknown": "No registration has this number.",
    "mistyped": "This is not a possible registration number: check the digits and the last letter.",
}


class NotReady(Exception):
    """The search index is still loading."""


def find_listed(listings, registration_number: str, today: dt.date) -> dict | None:
    """The public view of a listed, unrevoked freelancer, or None."""
    parsed = parse_registration_number(registration_number)
    listing = listings.get(parsed.canonical) if parsed else None
    if listing is None or not listing["listed"] or listing.get("revoked"):
        return None
    return public_view(listing, today)


def verification_of(listings, registration_number: str, today: dt.date) -> dict:
    """Is this number genuine and in force? Tolerates spaces, lower case and missing dashes."""
    return verifications_of(listings, [registration_number], today)[0]


def verifications_of(listings, registration_numbers: list[str], today: dt.date) -> list[dict]:
    """`verification_of` for many numbers, in their order, with one read of the listings (a partner's bulk check)."""
    parsed = [parse_registration_number(number) for number in registration_numbers]
    found = listings.get_many({p.canonical for p in parsed if p is not None and p.check_ok})
    return [_verdict(p, found.get(p.canonical) if p is not None else None, today) for p in parsed]


def _verdict(parsed, listing: dict | None, today: dt.date) -> dict:
    if parsed is None:
        return {"registration_number": None, "valid": False, "status": UNKNOWN, "full_name": None,
                "valid_until": None, "revoked_on": None, "message": MESSAGES[UNKNOWN]}
    if not parsed.check_ok:
        return {"registration_number": parsed.canonical, "valid": False, "status": MISTYPED, "full_name": None,
                "valid_until": None, "revoked_on": None, "message": MESSAGES[MISTYPED]}
    status = status_of(listing, today)
    return {"registration_number": parsed.canonical, "valid": status == VALID, "status": status,
            "full_name": listing["full_name"] if listing else None,
            "valid_until": listing["valid_until"] if listing else None,
            "revoked_on": listing.get("revoked_on") if status == REVOKED else None, "message": MESSAGES[status]}


def search(feed, query: dict, today: dt.date) -> dict:
    """A validated search (q, skill, province, city, platform, include_expired, limit, cursor) against the
    feed's index."""
    if not feed.caught_up.is_set():
        raise NotReady()
    with feed.lock:
        return feed.index.search(q=query["q"], limit=query["limit"], cursor=query["cursor"], today=today,
                                 skill=query["skill"], province=query["province"], city=query["city"],
                                 platform=query["platform"], include_expired=query.get("include_expired", False))


def stats(feed) -> dict:
    """Listed freelancers by province, city, skill and platform, and registrations per month."""
    if not feed.caught_up.is_set():
        raise NotReady()
    with feed.lock:
        index = feed.index
        facets = index.facets(index.live)
        months = Counter(feed.approved_months.values())
        listed = len(index)
    return {"listed": listed, **{f"by_{facet}": counts for facet, counts in facets.items()},
            "registrations_per_month": dict(sorted(months.items()))}
