"""The applicant's data from the status page (tracking id and access code, or signed in): download all of it as
one ZIP archive, and erase an application that ended without a registration, after ticking a confirmation."""
from flask import request
from flask_babel import gettext as _

from intake.domain.erasure import ERASABLE_ON_REQUEST, NotErasable
from intake.entrypoints.downloads import archive_response
from intake.entrypoints.web.access import authorised_form, details_page, not_matched
from intake.entrypoints.web.blueprint import bp, intake
from intake.service_layer import erasure, export
from servicekit.rate_limit import rate_limited


@bp.post("/status/export")
@rate_limited("status")
def data_download():
    """Everything intake holds about the application, as a ZIP archive (never cached)."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    return archive_response(export.archive_of(intake(), doc), doc["_id"])


@bp.post("/status/erasure")
@rate_limited("status")
def erasure_request():
    """Erase the application's personal data once the applicant has ticked that they understand it is final."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    if doc["status"] not in ERASABLE_ON_REQUEST or doc.get("erasure"):
        return details_page(doc, access_token, 409, erasure_errors={
            "erasure": [_("Only a rejected, withdrawn or lapsed application can be erased.")]})
    if request.form.get("confirm_erasure") != "yes":
        return details_page(doc, access_token, 422, erasure_errors={
            "confirm_erasure": [_("Tick the box to confirm that erasing your data cannot be undone.")]})
    try:
        erasure.erase(intake(), doc)
    except NotErasable:
        return details_page(doc, access_token, 409, erasure_errors={
            "erasure": [_("Only a rejected, withdrawn or lapsed application can be erased.")]})
    return details_page(intake().applications.get(doc["_id"]), access_token, 202, erased=True)
