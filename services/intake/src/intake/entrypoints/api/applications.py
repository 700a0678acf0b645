"""The applicant's JSON API: submit, track, view, amend, withdraw, download the certificate, leave or rejoin the
public directory."""
from flask import current_app, url_for
from flask_smorest import Blueprint
from werkzeug.exceptions import Conflict, NotFound, Unauthorized

from intake.bootstrap import intake_for
from intake.domain import application as lifecycle
from intake.entrypoints.downloads import certificate_response
from intake.entrypoints.schemas import (AmendmentSchema, ApplicantViewSchema, ApplicationSchema, ListingSchema,
                                        ListingStateSchema, StatusSchema, SubmittedSchema)
from intake.service_layer import certificates, listing, submissions, views
from servicekit.rate_limit import rate_limited
from servicekit.requests import bearer_token, json_body

blp = Blueprint("applications", __name__, url_prefix="/api/v1/applications",
                description="Submit an application and follow it")


def intake():
    return intake_for(current_app.config["SERVICE_CONFIG"])


def authorised_application(application_id: str) -> dict:
    token = bearer_token()
    if token is None:
        raise Unauthorized("Send the application's access token as 'Authorization: Bearer <token>'.")
    try:
        return submissions.authorise(intake(), application_id, token)
    except submissions.NotFound:
        raise NotFound("No application with that id and access token.") from None


@blp.route("", methods=["POST"])
@rate_limited("submit")
@json_body()
@blp.arguments(ApplicationSchema())
@blp.response(202, SubmittedSchema)
@blp.alt_response(409, description="An active application or registration already holds this CNIC")
@blp.alt_response(415, description="The body is not JSON")
@blp.alt_response(429, description="Too many submissions from this address")
def submit(data):
    """Submit an application. The access token is shown once: keep it to view, amend or withdraw."""
    try:
        submitted = submissions.submit(intake(), data)
    except submissions.DuplicateCnic:
        raise Conflict("An active application or registration already exists for this CNIC.") from None
    return {"application_id": submitted.application_id, "access_token": submitted.access_token,
            "status": submitted.application["status"],
            "status_url": url_for("applications.status", application_id=submitted.application_id, _external=False)}


@blp.route("/<application_id>/status")
@rate_limited("status")
@blp.response(200, StatusSchema)
def status(application_id):
    """The application's status, without any personal data."""
    status = views.status_of(intake(), application_id)
    if status is None:
        raise NotFound("No application with that id.")
    return status


@blp.route("/<application_id>")
@rate_limited("status")
@blp.response(200, ApplicantViewSchema)
@blp.alt_response(401, description="No access token")
def view(application_id):
    """The applicant's full view: what they filed, the timeline, and the outcome."""
    return views.applicant_view(intake(), authorised_application(application_id))


@blp.route("/<application_id>", methods=["PATCH"])
@json_body()
@blp.arguments(AmendmentSchema(partial=True))
@blp.response(200, ApplicantViewSchema)
@blp.alt_response(409, description="The application is decided, withdrawn, or changed meanwhile")
def amend(changes, application_id):
    """Change an application that is not yet decided; verification checks it again."""
    doc = authorised_application(application_id)
    try:
        updated = submissions.amend(intake(), doc, changes)
    except submissions.NotAllowed:
        raise Conflict("This application can no longer be changed.") from None
    return views.applicant_view(intake(), updated)


@blp.route("/<application_id>/withdraw", methods=["POST"])
@blp.response(200, StatusSchema)
@blp.alt_response(202, schema=StatusSchema, description="Approved in principle: the withdrawal takes effect once "
                  "payments cancels the unpaid fee voucher (a payment that came first registers it instead)")
@blp.alt_response(409, description="The application is already registered, decided or withdrawn")
def withdraw(application_id):
    """Withdraw an application that is not yet registered. The CNIC is free to apply again."""
    doc = authorised_application(application_id)
    try:
        withdrawn = submissions.withdraw(intake(), doc)
    except submissions.NotAllowed:
        raise Conflict("This application is already registered, decided or withdrawn.") from None
    status = views.public_status(withdrawn)
    return (status, 202) if withdrawn["status"] == lifecycle.AWAITING_PAYMENT else status


@blp.route("/<application_id>/certificate")
@rate_limited("status")
@blp.doc(responses={200: {"description": "The certificate of the registration as it stands now",
                          "content": {"application/pdf": {}}}})
@blp.alt_response(409, description="No registration in force: not yet approved, expired, revoked or closed")
def certificate(application_id):
    """The registrant's certificate, rendered from the registration as it stands now, with a QR code to the public
    verify page (never cached)."""
    doc = authorised_application(application_id)
    try:
        pdf = certificates.certificate_of(intake(), doc)
    except certificates.NoCertificate:
        raise Conflict("This application has no registration in force to certify.") from None
    return certificate_response(pdf, doc["decision"]["registration_number"])


@blp.route("/<application_id>/listing", methods=["PUT"])
@json_body()
@blp.arguments(ListingSchema())
@blp.response(200, ListingStateSchema)
@blp.alt_response(401, description="No access token")
@blp.alt_response(409, description="No registration in force: not yet registered, expired, revoked or closed")
@blp.alt_response(415, description="The body is not JSON")
def set_listing(choice, application_id):
    """Leave the public directory, or appear in it again.

    `{"listed": false}` takes the registration out of the directory's search, its profile, the statistics and the
    open data; `{"listed": true}` puts it back. The registration stays valid and the public verify keeps answering
    for its number. Repeating a choice changes nothing."""
    doc = authorised_application(application_id)
    try:
        updated = listing.set_listed(intake(), doc, choice["listed"])
    except listing.NotListable:
        raise Conflict("This application has no registration in force to list or un-list.") from None
    return {"application_id": updated["_id"], "registration_number": updated["decision"]["registration_number"],
            "listed": bool(updated["public"].get("listed"))}
