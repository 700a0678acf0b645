"""What the applicant's pages call the machine's values: statuses, fee states, documents, education.

Each label is an English msgid translated on the page (`gettext` at render time); vocabulary.py hands
the same lists to the catalogue tool, so a new status without its Urdu fails the catalogue check."""
from flask_babel import gettext

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
DOCUMENT_LABELS = {"cnic_front": "CNIC — front", "cnic_back": "CNIC — back", "ntn_certificate": "NTN certificate",
                   "prc": "Proceeds realisation certificate"}
EDUCATION_LABELS = {"none": "No formal education", "matric": "Matric", "intermediate": "Intermediate",
                    "diploma": "Diploma", "bachelors": "Bachelor's", "masters": "Master's", "mphil": "MPhil",
                    "phd": "PhD"}


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
