"""Verification's API shapes."""
from marshmallow import RAISE, Schema, fields, validate, validates_schema, ValidationError

from domainkit.documents import APPLICATION_KINDS
from domainkit.geography import PROVINCES
from servicekit.cursors import decode_cursor
from verification.domain.checks import CHECK_NAMES
from verification.domain.information import FIELDS as INFORMATION_FIELDS
from verification.domain.queue import ASSIGNMENTS
from verification.service_layer.reviewers import ROLES


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class LoginSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_at = fields.DateTime(required=True)
    role = fields.String(required=True)


class NewReviewerSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9._-]{2,31}$"))
    password = fields.String(required=True, validate=validate.Length(min=12, max=256))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class ReviewerSchema(Schema):
    username = fields.String()
    role = fields.String()


class NewPasswordSchema(StrictSchema):
    password = fields.String(required=True, validate=validate.Length(min=12, max=256),
                             metadata={"description": "at least 12 characters"})


class QueueQuerySchema(StrictSchema):
    state = fields.String(load_default="pending",
                          validate=validate.OneOf(["pending", "awaiting_applicant", "decided", "all"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=[validate.Length(min=1, max=200), lambda c: _is_cursor(c)],
                           metadata={"description": "next_cursor of the previous page"})
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=120),
                      metadata={"description": "a CNIC or a registration number (found in every state), an "
                                                "application id, or the start of words of the applicant's name, in "
                                                "any order and case (\"ayesha kh\" finds Ayesha Khan)"})
    flag = fields.String(load_default=None, validate=validate.OneOf(CHECK_NAMES),
                         metadata={"description": "only cases this check flagged"})
    province = fields.String(load_default=None, validate=validate.OneOf(PROVINCES))
    waiting_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=3650),
                                  metadata={"description": "only cases waiting at least this many days"})
    assigned = fields.String(load_default=None, validate=validate.OneOf(ASSIGNMENTS),
                             metadata={"description": "me: the cases I have claimed; unassigned: nobody has"})


class LeaseSchema(Schema):
    reviewer = fields.String(metadata={"description": "who claimed the case"})
    until = fields.DateTime(metadata={"description": "when the claim ends unless renewed"})


class WorkloadSchema(Schema):
    pending = fields.Integer(metadata={"description": "cases waiting for a reviewer"})
    unassigned = fields.Integer(metadata={"description": "of which nobody has claimed"})
    mine = fields.Integer(metadata={"description": "of which I have claimed"})
    claimed_by_others = fields.Integer()
    awaiting_second_admin = fields.Integer(metadata={"description": "revocations and reinstatements to confirm"})
    oldest_received_at = fields.DateTime(allow_none=True, metadata={"description": "the longest wait began"})


class QueueItemSchema(Schema):
    application_id = fields.String()
    full_name = fields.String()
    province = fields.String()
    city = fields.String()
    state = fields.String()
    reasons = fields.List(fields.String())
    received_at = fields.DateTime()
    registration_number = fields.String(allow_none=True)
    lease = fields.Nested(LeaseSchema, allow_none=True, metadata={"description": "who is working on it; null: nobody"})


class QueueSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "for the next page; null at the end"})


class CheckSchema(Schema):
    check = fields.String()
    outcome = fields.String()
    reason = fields.String()
    detail = fields.String()


class AuditEntrySchema(Schema):
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    detail = fields.String()


class ReviewerAccountSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    active = fields.Boolean(required=True, metadata={"description": "false: deactivated, cannot sign in"})
    created_at = fields.DateTime(allow_none=True)
    audit = fields.List(fields.Nested(AuditEntrySchema),
                        metadata={"description": "who created, deactivated, reactivated the account or reset its "
                                                 "password, and when"})


class CaseSchema(Schema):
    application_id = fields.String()
    state = fields.String()
    version = fields.Integer()
    received_at = fields.DateTime()
    updated_at = fields.DateTime()
    applicant = fields.Dict(metadata={"description": "everything the applicant filed, personal data included"})
    checks = fields.List(fields.Nested(CheckSchema))
    reasons = fields.List(fields.String())
    decision = fields.Dict(allow_none=True)
    documents = fields.List(fields.Dict())
    pending_action = fields.Nested(lambda: PendingActionSchema(), allow_none=True,
                                   metadata={"description": "a revocation or reinstatement waiting for a second admin"})
    lease = fields.Nested(LeaseSchema, allow_none=True, metadata={"description": "who is working on it; null: nobody"})
    history = fields.List(fields.Nested(lambda: HistoryItemSchema()),
                          metadata={"description": "the applicant's other applications and registrations (same CNIC)"})
    information_request = fields.Nested(lambda: InformationRequestSchema(), allow_none=True,
                                        metadata={"description": "what a reviewer last asked the applicant for, and "
                                                                 "when it was answered (null: never asked)"})


class InformationRequestSchema(Schema):
    message = fields.String()
    documents = fields.List(fields.String())
    fields_ = fields.List(fields.String(), attribute="fields", data_key="fields")
    requested_by = fields.String()
    requested_at = fields.DateTime()
    respond_by = fields.DateTime()
    reminded_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    lapsed_at = fields.DateTime(allow_none=True)


class InformationRequestBodySchema(StrictSchema):
    message = fields.String(required=True, validate=[
        validate.Length(max=2000), validate.Regexp(r"\S", error="Say what the applicant should send or correct.")],
        metadata={"description": "what the applicant should send or correct, in words they can act on (sent to "
                                 "them as written)"})
    documents = fields.List(fields.String(validate=validate.OneOf(APPLICATION_KINDS)), load_default=list,
                            metadata={"description": "documents to upload again or add"})
    fields_ = fields.List(fields.String(validate=validate.OneOf(INFORMATION_FIELDS)), load_default=list,
                          attribute="fields", data_key="fields",
                          metadata={"description": "fields of the application to correct"})


class HistoryItemSchema(Schema):
    application_id = fields.String()
    state = fields.String()
    received_at = fields.DateTime()
    registration_number = fields.String(allow_none=True)


class BoardActionRequestSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "why: told to the registrant, never shown by the public directory"})

    @validates_schema
    def reason_has_words(self, data, **kwargs):
        if not data["reason"].strip():
            raise ValidationError("Say why, in words the registrant can understand.", "reason")


class PendingActionSchema(Schema):
    kind = fields.String(metadata={"description": "revoke or reinstate"})
    reason = fields.String()
    requested_by = fields.String(metadata={"description": "the admin who asked; a different admin must confirm"})
    requested_at = fields.DateTime()


class AwaitingSecondAdminSchema(PendingActionSchema):
    application_id = fields.String()
    full_name = fields.String()
    state = fields.String()
    registration_number = fields.String()


class AwaitingListSchema(Schema):
    items = fields.List(fields.Nested(AwaitingSecondAdminSchema))


class DecisionSchema(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(load_default="", validate=validate.Length(max=500))

    @validates_schema
    def reject_needs_reason(self, data, **kwargs):
        if data["decision"] == "reject" and not data["reason"].strip():
            raise ValidationError("Say why, in words the applicant can act on.", "reason")


class AuditSchema(Schema):
    application_id = fields.String()
    entries = fields.List(fields.Nested(AuditEntrySchema))


def _is_cursor(value: str) -> None:
    try:
        decode_cursor(value)
    except ValueError:
        raise ValidationError("Not a cursor from a previous page.") from None
