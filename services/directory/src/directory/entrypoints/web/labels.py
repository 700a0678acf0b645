"""What the directory's pages call a listing's standing, and what verify's answers say.

Labels are English msgids translated on the page; vocabulary.py hands them to the catalogue tool."""
from flask_babel import gettext

STANDING_LABELS = {"valid": "Registered", "expired": "Expired", "revoked": "Revoked"}
# What verify says (service_layer.queries.MESSAGES is the API's English; the page translates it).
VERDICTS = ("This registration is valid.", "This registration has expired.", "This registration was revoked.",
            "No registration has this number.",
            "This is not a possible registration number: check the digits and the last letter.")


def standing_label(status: str) -> str:
    return gettext(STANDING_LABELS[status]) if status in STANDING_LABELS else status
