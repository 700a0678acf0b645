"""Amending an open application from the status page: the application form, prefilled with what was filed, and
its answers saved as the API's amendment (verification checks the application again). The CNIC, the documents
and the declaration are not part of it: the CNIC names the application, documents are added from the status page."""
import datetime as dt

from flask import request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from domainkit.identity import mask_cnic
from intake.domain import application as lifecycle
from intake.entrypoints.schemas import AmendmentSchema
from intake.entrypoints.web import labels
from intake.entrypoints.web.access import authorised_form, details_page, not_matched
from intake.entrypoints.web.applying import form_page
from intake.entrypoints.web.blueprint import bp, intake
from intake.entrypoints.web.form import PLATFORM_ROWS, application_from_form, messages_by_field
from intake.service_layer import submissions
from servicekit.rate_limit import rate_limited

_NOT_AMENDED = ("cnic", "consent", "application_id", "access_token", "csrf_token")


def values_of(data: dict) -> MultiDict:
    """The form's fields as the application's current data fills them in."""
    pairs = [(name, data.get(name) or "") for name in ("full_name", "father_name", "email", "mobile", "province",
                                                        "city", "address", "education", "portfolio_url", "headline",
                                                        "language", "gender")]
    born = data.get("date_of_birth")
    if born:
        born = dt.date.fromisoformat(str(born))
        pairs += [("date_of_birth-day", str(born.day)), ("date_of_birth-month", str(born.month)),
                  ("date_of_birth-year", str(born.year))]
    pairs += [("skills", slug) for slug in data.get("skills", [])]
    pairs.append(("experience_years", str(data.get("experience_years", ""))))
    for i, platform in enumerate(data.get("platforms", [])[:PLATFORM_ROWS], start=1):
        pairs += [(f"platform_{i}", platform["platform"]), (f"profile_url_{i}", platform["profile_url"])]
    if data.get("listed"):
        pairs.append(("listed", "yes"))
    return MultiDict(pairs)


def _amending(doc: dict, access_token: str) -> dict:
    return {"application_id": doc["_id"], "access_token": access_token,
            "cnic_masked": mask_cnic(submissions.current_data(intake(), doc)["cnic"])}


def _closed(doc: dict, access_token: str):
    return details_page(doc, access_token, 409, amend_error=_("This application can no longer be changed."))


@bp.post("/status/amend")
@rate_limited("status")
def amendment_form():
    """The form, prefilled with the application as it stands."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    if doc["status"] not in lifecycle.OPEN:
        return _closed(doc, access_token)
    return form_page(values_of(submissions.current_data(intake(), doc)), amending=_amending(doc, access_token))


@bp.post("/status/amend/save")
@rate_limited("status")
def amendment_saved():
    """Save the answers (the same validation as the API's amendment); the form again with what is wrong."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    values = MultiDict([(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_AMENDED])
    answers = {k: v for k, v in application_from_form(values).items() if k not in ("cnic", "consent")}
    try:
        changes = AmendmentSchema(partial=True).load(answers)
    except ValidationError as exc:
        errors = messages_by_field(exc.messages, values, labels.translated_message)
        return form_page(values, errors, 422, amending=_amending(doc, access_token))
    try:
        amended = submissions.amend(intake(), doc, changes)
    except submissions.NotAllowed:
        return _closed(doc, access_token)
    return details_page(amended, access_token, amended_now=True)
