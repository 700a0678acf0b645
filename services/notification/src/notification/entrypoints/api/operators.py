"""The operators' API: the delivery log of an application, deliveries that did not go out and
their re-sending, and template previews."""
import functools
import hmac

from flask import current_app, request as http_request
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates
from werkzeug.exceptions import Conflict, NotFound, Unauthorized

from notification.bootstrap import notification_for
from notification.domain.messages import LANGUAGES, TEMPLATES
from notification.service_layer import operations
from notification.service_layer.templates import SAMPLE, render
from servicekit.cursors import decode_cursor
from servicekit.requests import bearer_token, json_body

blp = Blueprint("operators", __name__, url_prefix="/api/v1",
                description="Operators: delivery log, failed deliveries and re-sends, templates")
MAX_LIMIT = 100


def operator_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        expected = current_app.config["SERVICE_CONFIG"].operator_token
        token = bearer_token()
        if not (token and expected and hmac.compare_digest(token, expected)):
            raise Unauthorized("Send the operator token: 'Authorization: Bearer <NOTIFICATION_OPERATOR_TOKEN>'.")
        return view(*args, **kwargs)
    return wrapper


def notification():
    return notification_for(current_app.config["SERVICE_CONFIG"])


class LogQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    application_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RecordSchema(Schema):
    id = fields.String(attribute="_id")
    application_id = fields.String()
    event_type = fields.String()
    channel = fields.String()
    template = fields.String()
    language = fields.String()
    to = fields.String(metadata={"description": "masked"})
    status = fields.String(metadata={"description": "pending, sending, retrying, sent, failed or uncertain"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True, metadata={"description": "when a retrying delivery is due"})
    resend_of = fields.String(allow_none=True, metadata={"description": "the delivery this one re-sends"})
    requested_by = fields.String(allow_none=True, metadata={
        "description": "the operator who asked for the re-send, as they named themselves (self-declared: all "
                       "operators share one token)"})
    requested_from = fields.String(allow_none=True, metadata={
        "description": "where the re-send was asked from: the API client's address (after TRUSTED_PROXY_HOPS) "
                       "or `cli@<host>`"})
    reason = fields.String(allow_none=True, metadata={"description": "why the operator asked for it"})
    requested_at = fields.DateTime(allow_none=True)
    resent_as = fields.List(fields.String(), metadata={"description": "re-sends of this delivery, oldest first"})


class LogSchema(Schema):
    items = fields.List(fields.Nested(RecordSchema))


class DeliveriesQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    status = fields.String(required=True, validate=validate.OneOf(operations.LISTABLE))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=300))

    @validates("cursor")
    def is_cursor(self, value, **kwargs):
        if value is not None:
            try:
                decode_cursor(value)
            except ValueError:
                raise ValidationError("Not a cursor from a previous page.") from None


class DeliveriesSchema(Schema):
    items = fields.List(fields.Nested(RecordSchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "pass as `cursor` for the next page"})


class ResendSchema(Schema):
    class Meta:
        unknown = RAISE

    operator = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "who asks, kept with the new delivery as `requested_by`. "
                                                      "Self-declared: every operator uses the same token, so "
                                                      "it is not checked; the client's address and the time "
                                                      "are recorded with it"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "why, e.g. the applicant's mailbox is fixed"})

    @validates("operator")
    def operator_named(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("Name the operator.")

    @validates("reason")
    def reason_given(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("Say why the message is sent again.")


class PreviewSchema(Schema):
    subject = fields.String()
    text = fields.String()
    html = fields.String()
    sms = fields.String()


@blp.route("/notifications")
@operator_only
@blp.arguments(LogQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, LogSchema)
def delivery_log(query):
    """Every message for an application: channel, template, status, attempts and times."""
    return {"items": operations.delivery_log(notification(), query["application_id"])}


@blp.route("/deliveries")
@operator_only
@blp.arguments(DeliveriesQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, DeliveriesSchema)
def deliveries(query):
    """Deliveries that did not go out — `failed` (refused, or given up after DELIVERY_GIVE_UP_HOURS)
    or `uncertain` (a process stopped during the send) — newest first, `cursor` for the next page."""
    return operations.deliveries_with_status(notification(), query["status"], query["limit"], query["cursor"])


@blp.route("/deliveries/<record_id>/resend", methods=["POST"])
@operator_only
@json_body()
@blp.arguments(ResendSchema())
@blp.response(202, RecordSchema)
@blp.alt_response(404, description="No delivery with that id")
@blp.alt_response(409, description="The delivery is not failed or uncertain, kept no event, or a re-send of it is "
                                    "still under way")
def resend(body, record_id):
    """Send a failed or uncertain delivery again, on purpose: a new delivery "<original id>:resend-<n>"
    that records who asked (`operator`, self-declared: all operators share one token), from which
    address (the client's, after TRUSTED_PROXY_HOPS), when and why, sent by the scheduler within
    moments; the original lists it in `resent_as`. Asked for a re-send, it re-sends that one's
    original. Refused (409) while an earlier re-send of the delivery is still under way."""
    try:
        return operations.resend(notification(), record_id, body["operator"].strip(), body["reason"].strip(),
                                 http_request.remote_addr or "unknown")
    except operations.DeliveryNotFound:
        raise NotFound("No delivery with that id.") from None
    except operations.ResendRefused as exc:
        raise Conflict(str(exc)) from None


@blp.route("/templates/<template>/<language>/preview")
@operator_only
@blp.response(200, PreviewSchema)
def preview(template, language):
    """A template rendered with sample data (no real applicant's data)."""
    if template not in TEMPLATES or language not in LANGUAGES:
        raise NotFound(f"Templates: {', '.join(TEMPLATES)}; languages: {', '.join(LANGUAGES)}.")
    return render(template, language, SAMPLE)
