"""The public API: a freelancer's profile and registration-number verification, without login."""
import datetime as dt

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import NotFound

from directory.service_layer import queries
from servicekit.rate_limit import rate_limited

blp = Blueprint("public", __name__, url_prefix="/api/v1", description="Public profiles and verification")


def listings():
    """This process's listings repository (made on first use, with the indexes)."""
    return current_app.extensions["directory"]().listings


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
    revoked_on = fields.String(allow_none=True, metadata={"description": "the date it was revoked (status revoked "
                                                                         "only); the board's reason is never public"})
    message = fields.String()


@blp.route("/freelancers/<registration_number>")
@blp.response(200, ProfileSchema)
def profile(registration_number):
    """A listed freelancer's public profile."""
    found = queries.find_listed(listings(), registration_number, today())
    if found is None:
        raise NotFound("No listed freelancer has this registration number.")
    return found


@blp.route("/verify/<path:registration_number>")
@rate_limited("verify")
@blp.response(200, VerificationSchema)
def verify(registration_number):
    """Is this registration number genuine and in force? Tolerates spaces, lower case and missing dashes."""
    return queries.verification_of(listings(), registration_number, today())
