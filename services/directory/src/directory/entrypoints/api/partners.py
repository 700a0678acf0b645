"""The partner API, for banks and clients holding a key the board issued (domain/partners.py): registration
numbers checked in bulk, each key with its own quota. The key goes in the `Authorization: Bearer <key>` header
(or `X-API-Key`); the checked key's record is `flask.g.partner_key` for the view."""
import functools

from flask import current_app, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized

from directory.domain.partners import BULK_MAX, BULK_VERIFY, KeyRefused, OutOfScope
from directory.entrypoints.api.public import VerificationSchema, listings, today
from directory.service_layer import partners
from servicekit.rate_limit import RateLimiter, COLLECTION as RATE_LIMITS
from servicekit.requests import json_body

blp = Blueprint("partners", __name__, url_prefix="/api/v1/partner",
                description="For banks and clients with a partner key (header `Authorization: Bearer <key>`, or "
                            "X-API-Key), issued by the board: registration numbers checked in bulk, under the key's "
                            "own quota")
HEADER = "X-API-Key"


def presented_key() -> str:
    """The key sent as `Authorization: Bearer <key>`, else in X-API-Key ("" when neither)."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get(HEADER, "")


def _limiter_for(record: dict) -> RateLimiter:
    """The key's own quota, per minute, counted in the directory's database (shared by every web process)."""
    database = current_app.extensions["directory"]().listings.db
    return RateLimiter(database[RATE_LIMITS], f"partner:{record['_id']}", record["per_minute"], 60)


def requires_partner(scope: str):
    """401 without a good key, 403 when the key may not call this, 429 (Retry-After) over its quota; checked
    before the body is read."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                g.partner_key = partners.authorise(current_app.extensions["directory"]().partner_keys, _limiter_for,
                                                   presented_key(), scope)
            except KeyRefused:
                raise Unauthorized("Send a valid, unrevoked partner key as `Authorization: Bearer <key>`.") from None
            except OutOfScope:
                raise Forbidden(f"This key may not call this: it lacks the {scope} scope.") from None
            except partners.OverQuota as over:
                raise TooManyRequests("This key's quota is used up for this minute.",
                                      retry_after=over.retry_after) from None
            return view(*args, **kwargs)
        return wrapper
    return decorate


class BulkVerifyBodySchema(Schema):
    numbers = fields.List(fields.String(validate=validate.Length(max=40)), required=True,
                          validate=validate.Length(min=1, max=BULK_MAX),
                          metadata={"description": f"1 to {BULK_MAX} registration numbers, as printed or typed"})


class BulkVerifySchema(Schema):
    results = fields.List(fields.Nested(VerificationSchema),
                          metadata={"description": "one line per number sent, in the same order"})


@blp.route("/verify", methods=["POST"])
@requires_partner(BULK_VERIFY)
@json_body(max_bytes=128 * 1024)
@blp.arguments(BulkVerifyBodySchema())
@blp.response(200, BulkVerifySchema)
@blp.alt_response(401, description="No key, or a wrong, unknown or revoked one")
@blp.alt_response(403, description="The key lacks the verify:bulk scope")
@blp.alt_response(429, description="The key's quota for this minute is used up (Retry-After)")
def bulk_verify(body):
    """Check up to 1,000 registration numbers at once: for each, whether it is genuine and in force, as the public
    verify answers it."""
    return {"results": partners.bulk_verify(listings(), body["numbers"], today())}
