"""What the bill aggregator sends and is answered. Unknown fields are refused; each field at fault gets
its own message (422: {"errors": {field: [message]}}).

The voucher number is taken as any string of up to 40 characters: a number that is not a voucher's
(mistyped, too short) is not a malformed request but an answer of its own, unknown_voucher, which
the service layer gives (domain/vouchers.py)."""
import datetime as dt
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from payments.domain.vouchers import REFUSALS, STATUSES

MAX_AMOUNT = 10 ** 12  # rupees: far above any fee, and well within what the database stores as an integer
# C0 controls, DEL, the bidi overrides and isolates, and unpaired surrogates: never part of an id
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _printable(text: str) -> None:
    if _CONTROL.search(text):
        raise ValidationError("Contains control characters.")


def _storable(at: dt.datetime) -> None:
    """A time the database can hold: one that has a UTC equivalent within years 1 … 9999."""
    try:
        at.astimezone(dt.timezone.utc)
    except OverflowError:
        raise ValidationError("Not a time that can be stored.") from None


class VoucherNumber(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=[validate.Length(min=1, max=40), _printable], metadata={
            "description": "the voucher's 16 digits; spaces and dashes between them are allowed",
            "example": "7711 0000 0000 0013"}, **kwargs)


class InquirySchema(Schema):
    class Meta:
        unknown = RAISE

    voucher_number = VoucherNumber(required=True)


class PaymentSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    voucher_number = VoucherNumber(required=True)
    amount = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_AMOUNT),
        error_messages={"invalid": "Give whole rupees as a JSON integer, e.g. 1000."},
        metadata={"description": "whole rupees, exactly the voucher's amount", "example": 1000})
    paid_at = fields.AwareDateTime(
        required=True, format="iso", validate=_storable,
        error_messages={"invalid": "Give an ISO 8601 time with its timezone, e.g. 2026-03-02T15:00:00+05:00.",
                        "invalid_awareness": "Say the time's timezone: 2026-03-02T15:00:00+05:00, 2026-03-02T10:00Z."},
        metadata={"description": "when the payer paid, ISO 8601 with its timezone",
                  "example": "2026-03-02T15:00:00+05:00"})
    transaction_id = fields.String(required=True, validate=[validate.Length(min=1, max=64), _printable], metadata={
        "description": "the aggregator's own id of this payment; a repeat of it is answered as the first time",
        "example": "T-20260302-000123"})


class InquiryAnswerSchema(Schema):
    voucher_number = fields.String(required=True, metadata={"description": "the 16 digits"})
    payer_name = fields.String(required=True, metadata={"description": "to confirm with the payer it is their bill"})
    amount = fields.Integer(required=True, metadata={"description": "whole rupees to pay, exactly"})
    due_date = fields.Date(required=True, metadata={"description": "the last day it may be paid (to midnight UTC)"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES), metadata={
        "description": "only `unpaid` can be paid; `expired` as soon as the due date has passed"})


class PaymentAnswerSchema(Schema):
    status = fields.String(required=True, metadata={"example": "accepted"})
    voucher_number = fields.String(required=True)
    amount = fields.Integer(required=True)
    paid_at = fields.DateTime(required=True, metadata={"description": "as sent, in UTC"})
    transaction_id = fields.String(required=True)
    answered_at = fields.DateTime(required=True, metadata={"description": "when payments first accepted it"})


class RefusalSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(REFUSALS), metadata={
        "description": f"for the aggregator's software: one of {', '.join(REFUSALS)}"})
    message = fields.String(required=True, metadata={"description": "for the person at the counter"})
