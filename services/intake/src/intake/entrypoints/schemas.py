"""What an application must look like, shared by the JSON API and the web form.

Strings are trimmed and checked for shape and length; markup characters are refused in
free text; CNIC and mobile are normalised; unknown fields are refused.
"""
import datetime as dt
import re
import unicodedata

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from domainkit.geography import PROVINCES
from domainkit.identity import normalise_cnic, normalise_mobile
from domainkit.people import ADULT_AGE, age_on
from domainkit.platforms import PLATFORMS, profile_url_problem
from domainkit.skills import SKILLS_BY_SLUG

GENDERS = ("male", "female", "other")
EDUCATION_LEVELS = ("none", "matric", "intermediate", "diploma", "bachelors", "masters", "mphil", "phd")
LANGUAGES = ("en", "ur")

# Latin and Arabic-script letters (Urdu), spaces and the punctuation names carry.
_NAME = re.compile(r"^[A-Za-z\u00C0-\u024F\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF\u200C .'\-]+$")
# C0 controls, DEL, the bidi overrides and isolates (text that displays other than it reads),
# and unpaired surrogates
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class Text(fields.String):
    """A trimmed string without control characters or markup, within a length."""

    def __init__(self, min_length=1, max_length=200, pattern=None, pattern_error=None, **kwargs):
        super().__init__(validate=validate.Length(min=min_length, max=max_length), **kwargs)
        self.pattern, self.pattern_error = pattern, pattern_error

    def _deserialize(self, value, attr, data, **kwargs):
        # NFC: a name typed with combining accents ("i" + U+0301) is the same name as "í"
        text = unicodedata.normalize("NFC", " ".join(super()._deserialize(value, attr, data, **kwargs).split()))
        if _CONTROL.search(text):
            raise ValidationError("Contains control characters.")
        if "<" in text or ">" in text:
            raise ValidationError("Must not contain < or >.")
        if self.pattern and text and not self.pattern.match(text):
            raise ValidationError(self.pattern_error)
        return text


class Name(Text):
    def __init__(self, **kwargs):
        super().__init__(min_length=2, max_length=100, pattern=_NAME,
                         pattern_error="Use letters (English or Urdu), spaces, and . ' - only.", **kwargs)


class Cnic(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        digits = normalise_cnic(super()._deserialize(value, attr, data, **kwargs))
        if digits is None:
            raise ValidationError("Enter the 13-digit CNIC as #####-#######-# or 13 digits.")
        return digits


class Mobile(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        e164 = normalise_mobile(super()._deserialize(value, attr, data, **kwargs))
        if e164 is None:
            raise ValidationError("Enter a Pakistani mobile number: 03XXXXXXXXX or +923XXXXXXXXX.")
        return e164


class NormalisedEmail(fields.Email):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value.strip() if isinstance(value, str) else value, attr, data, **kwargs).lower()


class HttpsUrl(Text):
    def _deserialize(self, value, attr, data, **kwargs):
        url = super()._deserialize(value, attr, data, **kwargs)
        problem = profile_url_problem("other", url)
        if problem:
            raise ValidationError(problem)
        return url


def _adult(born: dt.date) -> None:
    age = age_on(born, dt.date.today())
    if born.year < 1900 or age > 120:
        raise ValidationError("Enter a real date of birth.")
    if age < ADULT_AGE:
        raise ValidationError(f"Applicants must be at least {ADULT_AGE} years old.")


def _known_skills(slugs: list[str]) -> None:
    unknown = [s for s in slugs if s not in SKILLS_BY_SLUG]
    if unknown:
        raise ValidationError(f"Unknown skills: {', '.join(unknown[:5])}. See GET /api/v1/skills.")
    if len(set(slugs)) != len(slugs):
        raise ValidationError("Each skill may be listed once.")


class PlatformSchema(Schema):
    class Meta:
        unknown = RAISE

    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    profile_url = fields.String(required=True, validate=validate.Length(min=10, max=300))

    @validates_schema
    def url_on_platform(self, data, **kwargs):
        problem = profile_url_problem(data["platform"], data["profile_url"].strip())
        if problem:
            raise ValidationError(problem, "profile_url")
        data["profile_url"] = data["profile_url"].strip()


def _distinct_platforms(items: list[dict]) -> None:
    named = [p["platform"] for p in items if p["platform"] != "other"]
    if len(set(named)) != len(named):
        raise ValidationError("Each platform may be listed once.")


class ApplicationSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    full_name = Name(required=True)
    father_name = Name(load_default=None, allow_none=True)
    cnic = Cnic(required=True)
    date_of_birth = fields.Date(required=True, validate=_adult)
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    email = NormalisedEmail(required=True, validate=validate.Length(max=254))
    mobile = Mobile(required=True)
    province = fields.String(required=True, validate=validate.OneOf(PROVINCES))
    city = Text(required=True, min_length=2, max_length=60)
    address = Text(required=True, min_length=5, max_length=300)
    education = fields.String(required=True, validate=validate.OneOf(EDUCATION_LEVELS))
    skills = fields.List(fields.String(validate=validate.Length(max=60)), required=True,
                         validate=[validate.Length(min=1, max=10), _known_skills])
    experience_years = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=60))
    platforms = fields.List(fields.Nested(PlatformSchema), required=True,
                            validate=[validate.Length(min=1, max=5), _distinct_platforms])
    portfolio_url = HttpsUrl(load_default=None, allow_none=True, max_length=300)
    headline = Text(required=True, min_length=5, max_length=120)
    listed = fields.Boolean(required=True)
    consent = fields.Boolean(required=True, validate=validate.Equal(True, error="Consent is required to apply."))
    language = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))


class _Unchangeable(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        raise ValidationError("Cannot be changed; withdraw this application and apply again.")


class AmendmentSchema(ApplicationSchema):
    """Changes to an open application: any subset of the fields, except the identity it was filed under."""
    cnic = _Unchangeable()
    consent = _Unchangeable()


class StrictBoolean(fields.Boolean):
    """true or false, as JSON writes them: not "yes", "0" or 1, which a typo could send meaning the opposite."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class ListingSchema(Schema):
    """The registrant's choice: appear in the public directory, or not."""
    class Meta:
        unknown = RAISE

    listed = StrictBoolean(required=True, metadata={
        "description": "false: leave the public directory (search, profile, statistics, open data); true: appear "
                       "in it again. Verify answers for the number either way"})


class ListingStateSchema(Schema):
    application_id = fields.String()
    registration_number = fields.String()
    listed = fields.Boolean(metadata={"description": "whether the registration appears in the public directory "
                                                     "(the directory follows within a second or so)"})


class SubmittedSchema(Schema):
    application_id = fields.String(required=True)
    access_token = fields.String(required=True, metadata={"description": "secret; shown once; needed to view, "
                                                                         "amend, upload to or withdraw the application"})
    status = fields.String(required=True)
    status_url = fields.String(required=True)


class StatusSchema(Schema):
    application_id = fields.String(required=True)
    status = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


class TimelineEntrySchema(Schema):
    status = fields.String()
    note = fields.String()
    at = fields.DateTime()
    reasons = fields.List(fields.String())


class DocumentInfoSchema(Schema):
    kind = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = fields.DateTime()


class VoucherSchema(Schema):
    number = fields.String(metadata={"description": "the voucher's 16 digits, to enter in the bank app"})
    amount = fields.Integer(metadata={"description": "whole rupees"})
    due_date = fields.String(metadata={"description": "the last day it may be paid, YYYY-MM-DD"})
    status = fields.String(metadata={"description": "unpaid, paid, expired or cancelled"})


class RenewalWindowSchema(Schema):
    opens_at = fields.DateTime(metadata={"description": "renewal may be asked for from then"})
    closes_at = fields.DateTime(metadata={"description": "until then (the grace period's end)"})
    open = fields.Boolean(metadata={"description": "whether it may be asked for now"})
    ended = fields.Boolean(metadata={"description": "the grace period is over: apply afresh instead"})


class ApplicantViewSchema(Schema):
    application_id = fields.String()
    status = fields.String()
    submitted_at = fields.DateTime()
    updated_at = fields.DateTime()
    full_name = fields.String()
    father_name = fields.String(allow_none=True)
    cnic_masked = fields.String()
    date_of_birth = fields.String()
    gender = fields.String()
    email = fields.String()
    mobile = fields.String()
    province = fields.String()
    city = fields.String()
    address = fields.String()
    education = fields.String()
    skills = fields.List(fields.String())
    experience_years = fields.Integer()
    platforms = fields.List(fields.Dict())
    portfolio_url = fields.String(allow_none=True)
    headline = fields.String()
    listed = fields.Boolean()
    language = fields.String()
    timeline = fields.List(fields.Nested(TimelineEntrySchema))
    reasons = fields.List(fields.String())
    registration_number = fields.String(allow_none=True)
    valid_until = fields.String(allow_none=True)
    voucher = fields.Nested(VoucherSchema, allow_none=True, metadata={
        "description": "the registration fee's voucher once one is issued: pay it through any bank app or branch "
                       "(1Bill) by its due date"})
    documents = fields.List(fields.Nested(DocumentInfoSchema))
    renewal = fields.Nested(RenewalWindowSchema, allow_none=True, metadata={
        "description": "when the registration may be renewed (POST .../renewal with the PRC); null when it cannot"})
    looks = fields.List(fields.Nested(lambda: LookSchema()), metadata={
        "description": "who at the board opened the record or a document, the latest first (role and time only)"})
    information_request = fields.Nested(lambda: InformationRequestSchema(), allow_none=True, metadata={
        "description": "what a reviewer asks the applicant for, while it waits: upload the documents still "
                       "`outstanding` (PUT .../documents/{kind}), or correct the `fields` (PATCH); null otherwise"})
    erasure = fields.Dict(allow_none=True, metadata={
        "description": "once the application's personal data was erased (POST .../erasure, or the retention "
                       "policy): {cause, at, completed_by: {service: time}}; only status, timeline and decision stay"})


class LookSchema(Schema):
    role = fields.String(metadata={"description": "reviewer, admin or auditor: never a name"})
    what = fields.String(metadata={"description": "case, or document:<kind>"})
    at = fields.DateTime()


class InformationRequestSchema(Schema):
    message = fields.String()
    documents = fields.List(fields.String())
    outstanding = fields.List(fields.String())
    fields_ = fields.List(fields.String(), attribute="fields", data_key="fields")
    requested_at = fields.DateTime()
    respond_by = fields.String(allow_none=True, metadata={"description": "when the application lapses unanswered"})


class SkillSchema(Schema):
    slug = fields.String()
    name = fields.String()
    category = fields.String()
