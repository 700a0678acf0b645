"""The event envelope every topic carries (docs/events.md), validated with marshmallow.

An envelope is a plain dict so it can be stored in a Mongo document (the outbox) and
sent to Kafka as JSON without conversion.
"""
import datetime as dt
import json
import uuid

from marshmallow import Schema, ValidationError, fields, validate

from eventkit.correlation import current_correlation_id, new_correlation_id


class InvalidMessage(Exception):
    """A message that can never be handled as it is: it goes to the dead-letter topic."""


class EnvelopeSchema(Schema):
    event_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    event_type = fields.String(required=True, validate=validate.Regexp(r"^[A-Z][A-Za-z]{2,63}$"))
    event_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.String(required=True, validate=validate.Length(min=20, max=40))
    source = fields.String(required=True, validate=validate.Length(min=1, max=64))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    causation_id = fields.String(required=True, allow_none=True, validate=validate.Length(max=64))
    key = fields.String(required=True, validate=validate.Length(min=1, max=128))
    payload = fields.Dict(required=True, keys=fields.String())


_SCHEMA = EnvelopeSchema()


def utc_now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_event(event_type: str, key: str, payload: dict, *, source: str, version: int = 1,
              caused_by: dict | None = None) -> dict:
    """Build an envelope; an event caused by another inherits its correlation id."""
    if caused_by is not None:
        correlation_id, causation_id = caused_by["correlation_id"], caused_by["event_id"]
    else:
        correlation_id, causation_id = current_correlation_id() or new_correlation_id(), None
    envelope = {
        "event_id": uuid.uuid4().hex,
        "event_type": event_type,
        "event_version": version,
        "occurred_at": utc_now_iso(),
        "source": source,
        "correlation_id": correlation_id,
        "causation_id": causation_id,
        "key": key,
        "payload": payload,
    }
    return validate_envelope(envelope)


def validate_envelope(envelope: dict) -> dict:
    try:
        return _SCHEMA.load(envelope)
    except ValidationError as exc:
        raise InvalidMessage(f"invalid envelope: {exc.messages}") from exc


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def decode(raw: bytes | None) -> dict:
    """Parse and validate a message value; anything malformed is an InvalidMessage."""
    if raw is None:
        raise InvalidMessage("empty message value")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidMessage(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidMessage("envelope is not a JSON object")
    return validate_envelope(data)
