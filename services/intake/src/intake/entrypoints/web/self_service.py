"""What an applicant does from the status page with their tracking id and access code: withdraw the application
(after a confirmation page), and add or replace a document while the application is open."""
from flask import current_app, render_template, request
from flask_babel import gettext as _

from intake.domain import application as lifecycle
from intake.domain.documents import APPLICATION_KINDS
from intake.entrypoints.uploads import UploadRefused, read_upload
from intake.entrypoints.web.blueprint import bp, intake
from intake.service_layer import submissions, views
from servicekit.rate_limit import rate_limited

# The statuses an applicant may withdraw from: open, or approved in principle with the fee still due (it takes
# effect once payments cancels the voucher).
WITHDRAWABLE = (*lifecycle.OPEN, lifecycle.AWAITING_PAYMENT)


def _authorised():
    """(application id, access code, the application) from the form; the application is None when they do not
    match one."""
    application_id = request.form.get("application_id", "").strip()[:64]
    access_token = request.form.get("access_token", "").strip()
    try:
        return application_id, access_token, submissions.authorise(intake(), application_id, access_token)
    except submissions.NotFound:
        return application_id, access_token, None


def _status_page(doc: dict, access_token: str, status: int = 200, **shown):
    return render_template("status.html", application_id=doc["_id"], status=views.public_status(doc),
                           view=views.applicant_view(intake(), doc), access_token=access_token, **shown), status


def _not_matched(application_id: str):
    return render_template("status.html", application_id=application_id, status=None, wrong_token=True), 404


@bp.post("/status/withdraw")
@rate_limited("status")
def withdraw_page():
    """Ask the applicant to confirm: withdrawing cannot be undone."""
    application_id, access_token, doc = _authorised()
    if doc is None:
        return _not_matched(application_id)
    if doc["status"] not in WITHDRAWABLE:
        return _status_page(doc, access_token, 409, withdraw_error=_("This application can no longer be withdrawn."))
    return render_template("withdraw.html", application_id=doc["_id"], access_token=access_token,
                           awaiting_payment=doc["status"] == lifecycle.AWAITING_PAYMENT)


@bp.post("/status/withdraw/confirm")
@rate_limited("status")
def withdraw_confirmed():
    """Withdraw it; the status page says so (or that it waits for the voucher's cancellation)."""
    application_id, access_token, doc = _authorised()
    if doc is None:
        return _not_matched(application_id)
    try:
        submissions.withdraw(intake(), doc)
    except submissions.NotAllowed:
        return _status_page(doc, access_token, 409, withdraw_error=_("This application can no longer be withdrawn."))
    return _status_page(intake().applications.get(doc["_id"]), access_token, withdrawn=True)


@bp.post("/status/documents")
@rate_limited("status")
def document_upload():
    """Add or replace one document of an open application (the reviewer sees it at once)."""
    application_id, access_token, doc = _authorised()
    if doc is None:
        return _not_matched(application_id)
    kind = request.form.get("kind", "")
    errors = {}
    if kind not in APPLICATION_KINDS:
        errors["kind"] = [_("Choose which document this is.")]
    storage = request.files.get("document")
    content = None
    if storage is None or not storage.filename:
        errors["document"] = [_("Choose the file to upload (PDF or image).")]
    else:
        try:
            content = read_upload(storage, current_app.config["SERVICE_CONFIG"].document_max_bytes)
        except UploadRefused as refused:
            errors["document"] = [str(refused)]
    if errors:
        return _status_page(doc, access_token, 422, upload_errors=errors)
    try:
        submissions.add_document(intake(), doc, kind, *content)
    except submissions.NotAllowed:
        closed = _("Documents can only be added while the application is open.")
        return _status_page(doc, access_token, 409, upload_errors={"document": [closed]})
    return _status_page(intake().applications.get(doc["_id"]), access_token, 201, uploaded=kind)
