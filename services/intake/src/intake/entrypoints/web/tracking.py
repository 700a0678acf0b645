"""Tracking an application on the web: its status by tracking id, the details with the access code, the
registrant's renewal request, and their certificate."""
from flask import render_template, request
from flask_babel import gettext as _

from intake.entrypoints.downloads import certificate_response
from intake.entrypoints.web.access import attached_file, authorised_form, details_page, not_matched
from intake.entrypoints.web.blueprint import bp, intake
from intake.service_layer import certificates, renewals, views
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
    application_id, access_token, doc = authorised_form()
    return not_matched(application_id) if doc is None else details_page(doc, access_token)


@bp.post("/status/renewal")
@rate_limited("status")
def renewal_request_page():
    """The registrant's renewal request from the status page: the PRC and the profile confirmed."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    errors = {}
    if request.form.get("confirm_profile") != "yes":
        errors["confirm_profile"] = [_("Confirm that your public profile is still correct.")]
    prc, refused = attached_file("prc", _("Attach your bank's proceeds realisation certificate (PDF or image)."))
    if refused:
        errors["prc"] = refused
    status = 422
    if not errors:
        try:
            doc = renewals.request_renewal(intake(), doc, *prc)
            status = 202
        except renewals.NotRenewable:
            errors["renewal"], status = [_("This registration cannot be renewed now.")], 409
        except renewals.RenewalClosed as closed:
            errors["renewal"], status = [str(closed)], 409
    return details_page(doc, access_token, status, renewal_errors=errors, renewal_sent=status == 202)


@bp.post("/status/certificate")
@rate_limited("status")
def certificate_download():
    """The registrant's certificate as it stands now (a PDF, never cached), for the tracking id and access code."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    try:
        pdf = certificates.certificate_of(intake(), doc)
    except certificates.NoCertificate:
        none_in_force = _("There is no registration in force to certify.")
        return details_page(doc, access_token, 409, certificate_error=none_in_force)
    return certificate_response(pdf, doc["decision"]["registration_number"])
