"""Words that reach intake's pages from data rather than code (catalogued by `python -m designkit.catalogues`):
statuses, timeline notes, fee states, document and education labels, and the validation messages the
application schema gives the form."""
from intake.domain import application as lifecycle
from intake.entrypoints.web import form, labels
from intake.service_layer import information_requests

# What the schema (intake.entrypoints.schemas, marshmallow) can say about the form's fields.
VALIDATION_MESSAGES = (
    "Missing data for required field.", "Field may not be null.", "Not a valid email address.",
    "Not a valid integer.", "Not a valid date.", "Not a valid URL.", "Not a valid string.", "Not a valid boolean.",
    "Must be one of: en, ur.", "Contains control characters.", "Must not contain < or >.",
    "Use letters (English or Urdu), spaces, and . ' - only.",
    "Enter the 13-digit CNIC as #####-#######-# or 13 digits.",
    "Enter a Pakistani mobile number: 03XXXXXXXXX or +923XXXXXXXXX.", "Enter a real date of birth.",
    "Applicants must be at least 18 years old.", "Each skill may be listed once.", "Each platform may be listed once.",
    "Consent is required to apply.", "A document may be at most 5 MB.", "The file is empty.",
    "Only PNG, JPEG or PDF files are accepted.",
)


SERVICE_NAME = "Register as an IT freelancer"  # the service navigation's name (entrypoints/app.py)


def terms() -> list[str]:
    return [SERVICE_NAME,
            *labels.STATUS_LABELS.values(), *labels.FEE_STATUS_LABELS.values(), *labels.DOCUMENT_LABELS.values(),
            *labels.FIELD_LABELS.values(), *labels.ROLE_LABELS.values(),
            *labels.EDUCATION_LABELS.values(), *lifecycle.DECISION_NOTES.values(), *lifecycle.EVENT_NOTES.values(),
            *lifecycle.CAUSE_NOTES.values(), information_requests.NOTE, "You sent what the reviewer asked for",
            lifecycle.WITHDRAWAL_ASKED, lifecycle.WITHDRAWN_WITH_VOUCHER, "Application received",
            "Application amended", "Withdrawn by the applicant", "The renewal period ended: you may apply again",
            *VALIDATION_MESSAGES, *form.WHEN_EMPTY.values(), "Profile %(number)s: %(message)s"]
