"""The public API: a freelancer's profile and registration-number verification, without login."""
import datetime as dt

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import NotFound

from directory.adapters.listings import ListingRepository
from directory.bootstrap import listings_for
from directory.domain.listing import MISTYPED, UNKNOWN, VALID, public_view, status_of
from domainkit.registration import parse_registration_number
from servicekit.rate_limit import rate_limited

blp = Blueprint("public", __name__, url_prefix="/api/v1", description="Public profiles and verification")


def listings() -> ListingRepository:
    return listings_for(current_app.config["SERVICE_CONFIG"])


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


class PlatformSchema(Schema):
    platform = fields.String()
    profile_url = fields.String()


class ProfileSchema(Schema):
    registration_number = fields.String()
    full_name = fields.String()
    city = fields.String()
    province = fields.String()
    skills = fields.List(fields.String())
    platforms = fields.List(fields.Nested(PlatformSchema))
    headline = fields.String()
    status = fields.String(metadata={"description": "valid, expired or revoked"})
    valid_until = fields.String()


class VerificationSchema(Schema):
    registration_number = fields.String(allow_none=True, metadata={"description": "as understood, normalised"})
    valid = fields.Boolean()
    status = fields.String(metadata={"description": "valid, expired, revoked, unknown, or mistyped (the check "
                                                    "letter does not match: a digit was probably mistyped)"})
    full_name = fields.String(allow_none=True)
    valid_until = fields.String(allow_none=True)
    message = fields.String()


MESSAGES = {
    "valid": "This registration is valid.",
    "expired": "This registration has expired.",
    "revoked": "This registration was revoked.",
    "unknown": "No registration has this number.",
    "mistyped": "This is not a possible registration number: check the digits and the last letter.",
}


def find_listed(registration_number: str) -> dict | None:
    """The public view of a listed, unrevoked freelancer, or None."""
    parsed = parse_registration_number(registration_number)
    listing = listings().get(parsed.canonical) if parsed else None
    if listing is None or not listing["listed"] or listing.get("revoked"):
        return None
    return public_view(listing, today())


def verification_of(registration_number: str) -> dict:
    parsed = parse_registration_number(registration_number)
    if parsed is None:
        return {"registration_number": None, "valid": False, "status": UNKNOWN, "full_name": None,
                "valid_until": None, "message": MESSAGES[UNKNOWN]}
    if not parsed.check_ok:
        return {"registration_number": parsed.canonical, "valid": False, "status": MISTYPED, "full_name": None,
                "valid_until": None, "message": MESSAGES[MISTYPED]}
    listing = listings().get(parsed.canonical)
    status = status_of(listing, today())
    return {"registration_number": parsed.canonical, "valid": status == VALID, "status": status,
            "full_name": listing["full_name"] if listing else None,
            "valid_until": listing["valid_until"] if listing else None, "message": MESSAGES[status]}


@blp.route("/freelancers/<registration_number>")
@blp.response(200, ProfileSchema)
def profile(registration_number):
    """A listed freelancer's public profile."""
    found = find_listed(registration_number)
    if found is None:
        raise NotFound("No listed freelancer has this registration number.")
    return found


@blp.route("/verify/<path:registration_number>")
@rate_limited("verify")
@blp.response(200, VerificationSchema)
def verify(registration_number):
    """Is this registration number genuine and in force? Tolerates spaces, lower case and missing dashes."""
    return verification_of(registration_number)
