"""The partner API's watches and webhooks (domain/webhooks.py): where a key's webhooks go, which registration
numbers it watches, a test delivery, and the log of deliveries with every attempt. Each call needs a key with the
`watch` scope."""
import datetime as dt

from flask import current_app, g
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from directory.adapters.webhook_sender import refusal_of
from directory.bootstrap import webhook_settings
from directory.domain.partners import WATCH
from directory.domain.webhooks import (DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TOLERANCE_SECONDS, URL_MAX,
                                       WATCH_MAX, BadWebhookUrl)
from directory.entrypoints.api.partners import requires_partner
from directory.service_layer import webhooks
from servicekit.requests import json_body

blp = Blueprint(
    "webhooks", __name__, url_prefix="/api/v1/partner",
    description=f"Watch registration numbers and get a webhook (an HTTP POST of JSON to your address) when one is "
                f"renewed, expires, is revoked or reinstated: one delivery per change, retried with backoff until "
                f"your server answers 2xx. Each is signed: header {SIGNATURE_HEADER} is `t=<unix time>,v1=<hex "
                f"HMAC-SHA256 of '<t>.<raw body>' under your signing secret>`; refuse a bad HMAC or a time more than "
                f"{TOLERANCE_SECONDS} s from your clock. {DELIVERY_HEADER} carries the delivery's id (the same on "
                f"every retry of it) and {EVENT_HEADER} its type.")


def _directory():
    return current_app.extensions["directory"]()


def _settings():
    settings = webhook_settings(_directory().config)
    if settings is None:
        abort(503, message="Webhooks are not switched on for this directory.")
    return settings


class WebhookBodySchema(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=URL_MAX),
                        metadata={"description": "where deliveries are posted (https)"})


class WebhookSchema(Schema):
    url = fields.String(allow_none=True)
    signing_secret = fields.String(metadata={"description": "the secret your deliveries are signed with"})


class WatchBodySchema(Schema):
    numbers = fields.List(fields.String(validate=validate.Length(max=40)), required=True,
                          validate=validate.Length(min=1, max=WATCH_MAX),
                          metadata={"description": f"1 to {WATCH_MAX} registration numbers to watch"})


class WatchAddedSchema(Schema):
    added = fields.Integer(metadata={"description": "how many were not watched before"})
    numbers = fields.List(fields.String(), metadata={"description": "the numbers, in their printed form"})


class WatchSchema(Schema):
    number = fields.String()
    since = fields.DateTime(metadata={"description": "changes from this moment on are delivered"})


class WatchListArgsSchema(Schema):
    after = fields.String(load_default=None, validate=validate.Length(max=40),
                          metadata={"description": "the last number of the previous page"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class WatchListSchema(Schema):
    items = fields.List(fields.Nested(WatchSchema))
    next_after = fields.String(allow_none=True, metadata={"description": "pass as `after` for the next page"})


class AttemptSchema(Schema):
    at = fields.DateTime()
    status_code = fields.Integer(allow_none=True, metadata={"description": "your server's answer"})
    error = fields.String(allow_none=True, metadata={"description": "why no answer came (refused, timed out…)"})
    duration_ms = fields.Integer()


class DeliverySchema(Schema):
    id = fields.String()
    type = fields.String(metadata={"description": "registration.renewed|expired|revoked|reinstated, webhook.test"})
    occurred_at = fields.String(metadata={"description": "when the change happened"})
    data = fields.Dict(metadata={"description": "the body's data: registration_number, status, …"})
    status = fields.String(metadata={"description": "pending, delivered or failed (given up)"})
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptSchema))


class DeliveryArgsSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    before = fields.AwareDateTime(load_default=None, metadata={"description": "only deliveries made before this"})


class DeliveryListSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema))


_ERRORS = {401: "No key, or a wrong, unknown or revoked one", 403: "The key lacks the watch scope",
           429: "The key's quota for this minute is used up (Retry-After)"}


def _document(view):
    for code, description in _ERRORS.items():
        view = blp.alt_response(code, description=description)(view)
    return view


@blp.route("/webhook", methods=["PUT"])
@requires_partner(WATCH)
@json_body(max_bytes=8 * 1024)
@blp.arguments(WebhookBodySchema())
@blp.response(200, WebhookSchema)
@_document
def set_webhook(body):
    """Send this key's webhooks to `url`; the answer carries the secret they are signed with."""
    try:
        settings = _settings()
        return webhooks.set_webhook(_directory().partner_keys, g.partner_key["_id"], body["url"], settings,
                                    lambda url: refusal_of(url, settings.allow_private))
    except BadWebhookUrl as exc:
        abort(422, message="The webhook address cannot be used.", messages={"json": {"url": [str(exc)]}})


@blp.route("/webhook", methods=["GET"])
@requires_partner(WATCH)
@blp.response(200, WebhookSchema)
@_document
def get_webhook():
    """Where this key's webhooks go, and the secret they are signed with."""
    return webhooks.webhook_of(g.partner_key, _settings())


@blp.route("/webhook/test", methods=["POST"])
@requires_partner(WATCH)
@blp.response(202, DeliverySchema)
@_document
def send_test():
    """Queue a `webhook.test` delivery to this key's address, sent and logged like any other."""
    _settings()
    delivery = webhooks.send_test(_directory().deliveries, g.partner_key["_id"], dt.datetime.now(dt.timezone.utc))
    return webhooks.delivery_view(delivery)


@blp.route("/watches", methods=["POST"])
@requires_partner(WATCH)
@json_body(max_bytes=128 * 1024)
@blp.arguments(WatchBodySchema())
@blp.response(200, WatchAddedSchema)
@_document
def add_watches(body):
    """Watch up to 1,000 registration numbers: their changes from now on are delivered to this key's address."""
    try:
        return webhooks.watch(_directory().watches, g.partner_key["_id"], body["numbers"],
                              dt.datetime.now(dt.timezone.utc))
    except webhooks.BadNumbers as exc:
        abort(422, message="Some numbers cannot be watched.", messages={"json": {"numbers": exc.errors}})


@blp.route("/watches", methods=["GET"])
@requires_partner(WATCH)
@blp.arguments(WatchListArgsSchema, location="query")
@blp.response(200, WatchListSchema)
@_document
def list_watches(args):
    """The numbers this key watches, in order, a page at a time."""
    return webhooks.watches_of(_directory().watches, g.partner_key["_id"], args["after"], args["limit"])


@blp.route("/watches/<number>", methods=["DELETE"])
@requires_partner(WATCH)
@blp.response(204)
@blp.alt_response(404, description="This key does not watch that number")
@_document
def remove_watch(number):
    """Stop watching a number."""
    canonical = webhooks.canonical_number_or_none(number)
    if canonical is None or not _directory().watches.remove(g.partner_key["_id"], canonical):
        abort(404, message="This key does not watch that number.")


@blp.route("/deliveries", methods=["GET"])
@requires_partner(WATCH)
@blp.arguments(DeliveryArgsSchema, location="query")
@blp.response(200, DeliveryListSchema)
@_document
def list_deliveries(args):
    """This key's deliveries, newest first (kept 30 days): what was sent, whether it arrived, every attempt."""
    return {"items": webhooks.delivery_log(_directory().deliveries, g.partner_key["_id"], args["limit"],
                                           args["before"])}
