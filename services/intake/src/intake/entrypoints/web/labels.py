"""What the applicant's pages call the machine's values: statuses, fee states, documents, education.

Each label is an English msgid translated on the page (`gettext` at render time); vocabulary.py hands
the same lists to the catalogue tool, so a new status without its Urdu fails the catalogue check."""
from flask_babel import gettext

from domainkit import documents
from intake.domain import application as lifecycle

STATUS_LABELS = {
    lifecycle.SUBMITTED: "Submitted", lifecycle.IN_REVIEW: "In review", lifecycle.AWAITING_PAYMENT: "Awaiting payment",
    lifecycle.APPROVED: "Registered", lifecycle.RENEWAL_REQUESTED: "Renewal requested", lifecycle.REJECTED: "Rejected",
    lifecycle.WITHDRAWN: "Withdrawn", lifecycle.LAPSED: "Lapsed", lifecycle.EXPIRED: "Expired",
    lifecycle.REVOKED: "Revoked",
}
# GOV.UK Frontend's tag colours: green for a registration in force, red for a refusal, grey for an end.
TAG_COLOURS = {
    lifecycle.SUBMITTED: "govuk-tag--blue", lifecycle.IN_REVIEW: "govuk-tag--yellow",
    lifecycle.AWAITING_PAYMENT: "govuk-tag--orange", lifecycle.APPROVED: "govuk-tag--green",
    lifecycle.RENEWAL_REQUESTED: "govuk-tag--light-blue", lifecycle.REJECTED: "govuk-tag--red",
    lifecycle.WITHDRAWN: "govuk-tag--grey", lifecycle.LAPSED: "govuk-tag--grey", lifecycle.EXPIRED: "govuk-tag--grey",
    lifecycle.REVOKED: "govuk-tag--red",
}
FEE_STATUS_LABELS = {"unpaid": "Unpaid", "paid": "Paid", "expired": "Expired", "cancelled": "Cancelled"}
DOCUMENT_LABELS = documents.LABELS
EDUCATION_LABELS = {"none": "No formal education", "matric": "Matric", "intermediate": "Intermediate",
                    "diploma": "Diploma", "bachelors": "Bachelor's", "masters": "Master's", "mphil": "MPhil",
                    "phd": "PhD"}

# The application's fields a reviewer may ask to be corrected (verification's domain.information.FIELDS).
FIELD_LABELS = {"full_name": "Full name", "father_name": "Father's name", "date_of_birth": "Date of birth",
                "gender": "Gender", "address": "Address", "city": "City", "province": "Province or territory",
                "email": "Email address", "mobile": "Mobile number", "skills": "Skills", "platforms": "Platform",
                "headline": "Headline for the public directory", "education": "Highest education",
                "experience_years": "Years of freelancing experience", "portfolio_url": "Portfolio website"}


def field_label(field: str) -> str:
    return gettext(FIELD_LABELS[field]) if field in FIELD_LABELS else field.replace("_", " ")

# Who looked at the record (verification's roles; never a name).
ROLE_LABELS = {"reviewer": "A reviewer", "admin": "An administrator", "auditor": "An auditor"}


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, "A reviewer"))


def look_label(what: str) -> str:
    """What was looked at: the application, or one of its documents."""
    if what.startswith("document:"):
        return document_label(what.split(":", 1)[1])
    return gettext("Your application")


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status.replace("_", " ")


def tag_colour(status: str) -> str:
    return TAG_COLOURS.get(status, "govuk-tag--grey")


def fee_status_label(status: str) -> str:
    return gettext(FEE_STATUS_LABELS[status]) if status in FEE_STATUS_LABELS else status


def document_label(kind: str) -> str:
    return gettext(DOCUMENT_LABELS[kind]) if kind in DOCUMENT_LABELS else kind.replace("_", " ")


def translated_message(message: str) -> str:
    """A validation or refusal message in the page's language (the schemas speak English to the API)."""
    return gettext(message)
