"""The operators' API: the delivery log of an application, and template previews."""
import functools
import hmac

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from werkzeug.exceptions import NotFound, Unauthorized

from notification.bootstrap import notification_for
from notification.domain.messages import LANGUAGES, TEMPLATES
from notification.service_layer.templates import SAMPLE, render
from servicekit.requests import bearer_token

blp = Blueprint("operators", __name__, url_prefix="/api/v1", description="Operators: delivery log and templates")


def operator_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        expected = current_app.config["SERVICE_CONFIG"].operator_token
        token = bearer_token()
        if not (token and expected and hmac.compare_digest(token, expected)):
            raise Unauthorized("Send the operator token: 'Authorization: Bearer <NOTIFICATION_OPERATOR_TOKEN>'.")
        return view(*args, **kwargs)
    return wrapper


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


class LogSchema(Schema):
    items = fields.List(fields.Nested(RecordSchema))


class PreviewSchema(Schema):
    subject = fields.String()
    text = fields.String()
    html = fields.String()
    sms = fields.String()


@blp.route("/notifications")
@operator_only
@blp.arguments(LogQuerySchema, location="query", unknown=RAISE)
@blp.response(200, LogSchema)
def delivery_log(query):
    """Every message for an application: channel, template, status, attempts and times."""
    config = current_app.config["SERVICE_CONFIG"]
    return {"items": notification_for(config).log.for_application(query["application_id"])}


@blp.route("/templates/<template>/<language>/preview")
@operator_only
@blp.response(200, PreviewSchema)
def preview(template, language):
    """A template rendered with sample data (no real applicant's data)."""
    if template not in TEMPLATES or language not in LANGUAGES:
        raise NotFound(f"Templates: {', '.join(TEMPLATES)}; languages: {', '.join(LANGUAGES)}.")
    return render(template, language, SAMPLE)
