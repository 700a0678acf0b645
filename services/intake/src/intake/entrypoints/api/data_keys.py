"""Applicants' data keys for the services that read intake's events (domain/data_keys.py), each by its own
service token and only the part it uses: verification (INTAKE_SERVICE_TOKEN) the `identity` keys, notification
(NOTIFICATION_SERVICE_TOKEN) the `contact` keys, payments (PAYMENTS_SERVICE_TOKEN) the `payer` keys. The record
keys never leave intake. 410 once the applicant's data was erased (and only then): what was sealed under the key
stays sealed for good. 404 for a key that never existed: a consumer takes that as a fault, never as erased."""
import base64
import hmac

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import Forbidden, Gone, NotFound, Unauthorized

from intake.domain.data_keys import CONTACT, IDENTITY, PAYER, UnknownPart
from intake.entrypoints.api.applications import intake
from intake.service_layer.data_keys import NoKeys
from servicekit.crypto import KeyErased
from servicekit.requests import bearer_token

blp = Blueprint("data_keys", __name__, url_prefix="/api/v1/data-keys",
                description="For verification, notification and payments only (service tokens): the "
                            "per-applicant keys of the parts of intake's events each may read")


class DataKeySchema(Schema):
    key_id = fields.String(metadata={"description": "<application id>.<part>"})
    key = fields.String(metadata={"description": "the key's 32 bytes, base64"})


def _parts_for(token: str | None) -> tuple[str, ...]:
    """The parts the token's holder may read; Unauthorized for no or an unknown token."""
    config = current_app.config["SERVICE_CONFIG"]
    readers = ((config.service_token, (IDENTITY,)), (config.notification_service_token, (CONTACT,)),
               (config.payments_service_token, (PAYER,)))  # each a part of domain.data_keys.SERVED_PARTS
    for expected, parts in readers:
        if token and expected and hmac.compare_digest(token, expected):
            return parts
    raise Unauthorized("Send a service token.")


@blp.route("/<key_id>")
@blp.response(200, DataKeySchema)
@blp.alt_response(401, description="No or an unknown service token")
@blp.alt_response(403, description="The token's service may not read this part")
@blp.alt_response(410, description="The applicant's data was erased: the key is destroyed")
def data_key(key_id):
    """One data key, named as the ciphertexts name it."""
    parts = _parts_for(bearer_token())
    try:
        key = intake().data_keys.served_key(key_id, parts)
    except (UnknownPart, NoKeys):
        raise NotFound("No such key.") from None
    except PermissionError:
        raise Forbidden("This service may not read that part.") from None
    except KeyErased:
        raise Gone("This applicant's data was erased.") from None
    return {"key_id": key_id, "key": base64.b64encode(key).decode()}
