"""What the console calls the machine's values: case states, check names and outcomes, roles, documents.

English msgids translated on the page (`gettext` at render time); vocabulary.py hands the same lists to
the catalogue tool, so a new state or check without its Urdu fails the catalogue check."""
from flask_babel import gettext, ngettext

from designkit.formatting import moment

from verification.domain import board_actions, queue

STATE_LABELS = {
    "checking": "Being checked", "in_review": "In review", "awaiting_payment": "Awaiting payment",
    "approved": "Registered", "rejected": "Rejected", "withdrawn": "Withdrawn", "lapsed": "Lapsed",
    "expired": "Expired", "revoked": "Revoked", "renewal_in_review": "Renewal in review",
    "renewal_awaiting_payment": "Renewal awaiting payment", "awaiting_applicant": "Waiting for the applicant",
}
STATE_COLOURS = {
    "in_review": "govuk-tag--yellow", "renewal_in_review": "govuk-tag--yellow", "awaiting_payment": "govuk-tag--orange",
    "renewal_awaiting_payment": "govuk-tag--orange", "approved": "govuk-tag--green", "rejected": "govuk-tag--red",
    "revoked": "govuk-tag--red", "awaiting_applicant": "govuk-tag--blue",
}
QUEUE_TITLES = {"pending": "Waiting for a decision", "awaiting_applicant": "Waiting for the applicant",
                "decided": "Decided", "all": "All cases"}
CHECK_LABELS = {
    "cnic_format": "CNIC format", "cnic_province": "CNIC province", "cnic_gender": "CNIC gender", "age": "Age",
    "duplicate_identity": "Duplicate identity", "shared_contact": "Shared contact details",
    "platform_profiles": "Platform profiles", "disposable_email": "Disposable email", "blocklist": "Blocklist",
    "renewal_window": "Renewal window", "renewal_evidence": "Renewal evidence",
}
OUTCOME_LABELS = {"pass": "Pass", "flag": "Flag", "fail": "Fail"}
OUTCOME_COLOURS = {"pass": "govuk-tag--green", "flag": "govuk-tag--yellow", "fail": "govuk-tag--red"}
ASSIGNMENT_LABELS = {"me": "Claimed by me", "unassigned": "Not claimed"}
ROLE_LABELS = {"reviewer": "reviewer", "admin": "admin", "auditor": "auditor"}
ACTION_LABELS = {"revoke": "Revocation", "reinstate": "Reinstatement", "approve": "Approval over a blocklist finding"}
DOCUMENT_LABELS = {"cnic_front": "CNIC — front", "cnic_back": "CNIC — back", "ntn_certificate": "NTN certificate",
                   "prc": "Proceeds realisation certificate"}
APPLICANT_FIELDS = {
    "cnic": "CNIC", "date_of_birth": "Date of birth", "gender": "Gender", "father_name": "Father's name",
    "email": "Email", "mobile": "Mobile", "province": "Province", "city": "City", "address": "Address",
    "education": "Education", "experience_years": "Years of experience", "headline": "Headline",
    "portfolio_url": "Portfolio",
}


# Why the board action an admin tried cannot be done (domain.board_actions' refusals say it in English, with
# details, for the API), and what the console's forms may be told (entrypoints/schemas.py).
REFUSALS = {
    board_actions.SameAdmin: "You asked for this: a second admin must confirm it.",
    board_actions.AlreadyRequested: "A request already waits for a second admin: confirm or cancel it first.",
    board_actions.NothingToConfirm: "Nothing waits for confirmation on this case.",
    board_actions.NotApplicable: "The registration's state does not allow this now.",
}
FORM_MESSAGES = ("Say why, in words the applicant can act on.", "Say why, in words the registrant can understand.",
                 "Missing data for required field.", "Longer than maximum length 500.",
                 "Must be one of: approve, reject.", "Say what the applicant should send or correct.",
                 "Longer than maximum length 2000.")


def claim_refusal(refusal: Exception) -> str:
    """Why the case cannot be claimed or decided by this reviewer, in the page's language."""
    if isinstance(refusal, queue.ClaimedByAnother):
        return gettext("%(reviewer)s is working on this case until %(until)s.", reviewer=refusal.lease.reviewer,
                       until=moment(refusal.lease.until))
    return gettext("This case is no longer waiting for a reviewer.")


def queue_filter_choices(check_names, provinces, waiting_days) -> dict:
    """The (value, text) choices of each of the queue's filters, in the page's language."""
    return {"flag": [(name, _label(CHECK_LABELS, name)) for name in check_names],
            "province": [(province, gettext(province)) for province in provinces],
            "waiting_days": [(days, ngettext("%(num)d day", "%(num)d days", days)) for days in waiting_days],
            "assigned": [(value, _label(ASSIGNMENT_LABELS, value)) for value in ASSIGNMENT_LABELS]}


def refusal_message(refusal: Exception) -> str:
    for kind, message in REFUSALS.items():
        if isinstance(refusal, kind):
            return gettext(message)
    return str(refusal)


def _label(table: dict, value: str) -> str:
    return gettext(table[value]) if value in table else str(value).replace("_", " ")


def page_labels() -> dict:
    """The label functions the console's templates call, for its context processor."""
    return {
        "state_label": lambda value: _label(STATE_LABELS, value),
        "state_colour": lambda value: STATE_COLOURS.get(value, "govuk-tag--grey"),
        "queue_title": lambda value: _label(QUEUE_TITLES, value),
        "check_label": lambda value: _label(CHECK_LABELS, value),
        "outcome_label": lambda value: _label(OUTCOME_LABELS, value),
        "outcome_colour": lambda value: OUTCOME_COLOURS.get(value, "govuk-tag--grey"),
        "role_label": lambda value: _label(ROLE_LABELS, value),
        "action_label": lambda value: _label(ACTION_LABELS, value),
        "document_label": lambda value: _label(DOCUMENT_LABELS, value),
        "applicant_fields": [(key, gettext(label)) for key, label in APPLICANT_FIELDS.items()],
    }
