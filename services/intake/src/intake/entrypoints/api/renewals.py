"""The registrant asks to renew: the proceeds realisation certificate (PRC) and the profile confirmed, in
one multipart request, within the renewal window (service_layer/renewals.py)."""
from flask import current_app, request
from flask_smorest import Blueprint, abort
from werkzeug.exceptions import Conflict

from intake.entrypoints.api.applications import authorised_application, intake
from intake.entrypoints.schemas import ApplicantViewSchema
from intake.entrypoints.uploads import UploadRefused, read_upload
from intake.service_layer import renewals, views

blp = Blueprint("renewals", __name__, url_prefix="/api/v1/applications",
                description="Renew a registration with proof of IT export remittances")
CONFIRMED = ("true", "yes", "on", "1")
RENEWAL_FORM = {  # the request's body, for the OpenAPI document
    "type": "object", "required": ["prc", "confirm_profile"], "properties": {
        "prc": {"type": "string", "format": "binary", "description": "the bank's proceeds realisation certificate"},
        "confirm_profile": {"type": "string", "enum": ["true"], "description": "the public profile is still correct"}}}


@blp.route("/<application_id>/renewal", methods=["POST"])
@blp.response(202, ApplicantViewSchema)
@blp.alt_response(409, description="Not a registration that may be renewed, or outside the renewal window")
@blp.alt_response(422, description="The PRC is missing or not a PNG, JPEG or PDF, or the profile is not confirmed")
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": RENEWAL_FORM}}})
def request_renewal(application_id):
    """Ask to renew the registration; verification checks it, then the renewal fee's voucher is issued."""
    doc = authorised_application(application_id)
    errors = {}
    if request.form.get("confirm_profile", "").lower() not in CONFIRMED:
        errors["confirm_profile"] = ["Confirm that your public profile is still correct."]
    upload = request.files.get("prc")
    prc = None
    if upload is None or not upload.filename:
        errors["prc"] = ["Attach your bank's proceeds realisation certificate (PDF or image)."]
    else:
        try:
            prc = read_upload(upload, current_app.config["SERVICE_CONFIG"].document_max_bytes)
        except UploadRefused as refused:
            errors["prc"] = [str(refused)]
    if errors:
        abort(422, message="The renewal request is incomplete.", messages={"form": errors})
    try:
        renewing = renewals.request_renewal(intake(), doc, *prc)
    except renewals.NotRenewable:
        raise Conflict("This application has no registration that can be renewed now.") from None
    except renewals.RenewalClosed as closed:
        raise Conflict(str(closed)) from None
    return views.applicant_view(intake(), renewing)
