"""The blueprint of the pages applicants use, and what all of them share. They work without JavaScript and go
through the same validation and service layer as the JSON API: applying.py (the form, checking the answers,
sending), tracking.py (the status page, the details, renewal)."""
from flask import Blueprint, current_app

from intake.bootstrap import intake_for
from intake.entrypoints.web import labels

bp = Blueprint("pages", __name__, template_folder="templates")


def intake():
    """This process's intake (its repositories and keys), built on first use."""
    return intake_for(current_app.config["SERVICE_CONFIG"])


@bp.app_context_processor
def page_labels():
    """The labels every intake page may show, in the page's language."""
    return {"status_label": labels.status_label, "tag_colour": labels.tag_colour,
            "fee_status_label": labels.fee_status_label, "document_label": labels.document_label,
            "field_label": labels.field_label, "role_label": labels.role_label, "look_label": labels.look_label}
