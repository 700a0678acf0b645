"""Tracking an application on the web: its status by tracking id, the details with the access code, the
registrant's renewal request, and their certificate."""
from flask import current_app, render_template, request
from flask_babel import gettext as _

from intake.entrypoints.downloads import certificate_response
from intake.entrypoints.uploads import UploadRefused, read_upload
from intake.entrypoints.web.blueprint import bp, intake
from intake.service_layer import certificates, renewals, submissions, views
from servicekit.rate_limit import rate_limited


@bp.get("/status")
@rate_limited("status")
def status_page():
    application_id = request.args.get("application_id", "").strip()[:64]
    status = views.status_of(intake(), application_id) if application_id else None
    not_found = bool(application_id) and status is None
    return render_template("status.html", application_id=application_id, status=status,
                           not_found=not_found), (404 if not_found else 200)


@bp.post("/status")
@rate_limited("status")
def applicant_status_page():
    application_id = request.form.get("application_id", "").strip()[:64]
    try:
        doc = submissions.authorise(intake(), application_id, request.form.get("access_token", "").strip())
    except submissions.NotFound:
        return render_template("status.html", application_id=application_id, status=None, wrong_token=True), 404
    return render_template("status.html", application_id=application_id, status=views.public_status(doc),
                           view=views.applicant_view(intake(), doc), access_token=request.form.get("access_token", ""))


@bp.post("/status/renewal")
@rate_limited("status")
def renewal_request_page():
    """The registrant's renewal request from the status page: the PRC and the profile confirmed."""
    application_id = request.form.get("application_id", "").strip()[:64]
    access_token = request.form.get("access_token", "").strip()
    try:
        doc = submissions.authorise(intake(), application_id, access_token)
    except submissions.NotFound:
        return render_template("status.html", application_id=application_id, status=None, wrong_token=True), 404
    errors = {}
    if request.form.get("confirm_profile") != "yes":
        errors["confirm_profile"] = [_("Confirm that your public profile is still correct.")]
    storage = request.files.get("prc")
    prc = None
    if storage is None or not storage.filename:
        errors["prc"] = [_("Attach your bank's proceeds realisation certificate (PDF or image).")]
    else:
        try:
            prc = read_upload(storage, current_app.config["SERVICE_CONFIG"].document_max_bytes)
        except UploadRefused as refused:
            errors["prc"] = [str(refused)]
    status = 422
    if not errors:
        try:
            doc = renewals.request_renewal(intake(), doc, *prc)
            status = 202
        except renewals.NotRenewable:
            errors["renewal"], status = [_("This registration cannot be renewed now.")], 409
        except renewals.RenewalClosed as closed:
            errors["renewal"], status = [str(closed)], 409
    return render_template("status.html", application_id=application_id, status=views.public_status(doc),
                           view=views.applicant_view(intake(), doc), access_token=access_token,
                           renewal_errors=errors, renewal_sent=status == 202), status


@bp.post("/status/certificate")
@rate_limited("status")
def certificate_download():
    """The registrant's certificate as it stands now (a PDF, never cached), for the tracking id and access code."""
    application_id = request.form.get("application_id", "").strip()[:64]
    access_token = request.form.get("access_token", "").strip()
    try:
        doc = submissions.authorise(intake(), application_id, access_token)
    except submissions.NotFound:
        return render_template("status.html", application_id=application_id, status=None, wrong_token=True), 404
    try:
        pdf = certificates.certificate_of(intake(), doc)
    except certificates.NoCertificate:
        return render_template("status.html", application_id=application_id, status=views.public_status(doc),
                               view=views.applicant_view(intake(), doc), access_token=access_token,
                               certificate_error=_("There is no registration in force to certify.")), 409
    return certificate_response(pdf, doc["decision"]["registration_number"])

