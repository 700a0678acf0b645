"""What every form on the status page shares: it carries the tracking id and the access code, each action checks
them the same way, reads an attached file the same way, and answers with the status page."""
from flask import current_app, render_template, request

from intake.entrypoints.uploads import UploadRefused, read_upload
from intake.entrypoints.web.blueprint import intake
from intake.entrypoints.web.session import signed_in_address
from intake.service_layer import sign_in, submissions, views


def authorised_form() -> tuple[str, str, dict | None]:
    """(tracking id, access code, the application) from the form; the application is None when they do not match
    one (never saying which). Without an access code, an applicant signed in by one-time code may act on an
    application filed with the address they signed in with (sign_in.py)."""
    application_id = request.form.get("application_id", "").strip()[:64]
    access_token = request.form.get("access_token", "").strip()
    try:
        if not access_token and (address_index := signed_in_address()) is not None:
            return application_id, "", sign_in.authorise_signed_in(intake(), application_id, address_index)
        return application_id, access_token, submissions.authorise(intake(), application_id, access_token)
    except submissions.NotFound:
        return application_id, access_token, None


def details_page(doc: dict, access_token: str, status: int = 200, **shown):
    """The status page with the application's details, and whatever the action has to show."""
    return render_template("status.html", application_id=doc["_id"], status=views.public_status(doc),
                           view=views.applicant_view(intake(), doc), access_token=access_token, **shown), status


def not_matched(application_id: str):
    """The status page saying the tracking id and access code do not match (404)."""
    return render_template("status.html", application_id=application_id, status=None, wrong_token=True), 404


def attached_file(field: str, missing: str) -> tuple[tuple[str, bytes] | None, list[str]]:
    """((content type, content), []) of the file attached as `field`, or (None, [why not]): `missing` when none
    was attached, else the upload's refusal (too large, not a PDF or image)."""
    storage = request.files.get(field)
    if storage is None or not storage.filename:
        return None, [missing]
    try:
        return read_upload(storage, current_app.config["SERVICE_CONFIG"].document_max_bytes), []
    except UploadRefused as refused:
        return None, [str(refused)]
