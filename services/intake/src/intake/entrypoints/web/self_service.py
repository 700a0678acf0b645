"""What an applicant does from the status page with their tracking id and access code: withdraw the application
(after a confirmation page), add or replace a document while the application is open, and take a registration
in force out of the public directory or put it back."""
from flask import render_template, request
from flask_babel import gettext as _

from intake.domain import application as lifecycle
from intake.domain.documents import APPLICATION_KINDS
from intake.entrypoints.web.access import attached_file, authorised_form, details_page, not_matched
from intake.entrypoints.web.blueprint import bp, intake
from intake.service_layer import listing, submissions
from servicekit.rate_limit import rate_limited

# The statuses an applicant may withdraw from: open, or approved in principle with the fee still due (it takes
# effect once payments cancels the voucher).
WITHDRAWABLE = (*lifecycle.OPEN, lifecycle.AWAITING_PAYMENT)


@bp.post("/status/withdraw")
@rate_limited("status")
def withdraw_page():
    """Ask the applicant to confirm: withdrawing cannot be undone."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    if doc["status"] not in WITHDRAWABLE:
        return details_page(doc, access_token, 409, withdraw_error=_("This application can no longer be withdrawn."))
    return render_template("withdraw.html", application_id=doc["_id"], access_token=access_token,
                           awaiting_payment=doc["status"] == lifecycle.AWAITING_PAYMENT)


@bp.post("/status/withdraw/confirm")
@rate_limited("status")
def withdraw_confirmed():
    """Withdraw it; the status page says so (or that it waits for the voucher's cancellation)."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    try:
        submissions.withdraw(intake(), doc)
    except submissions.NotAllowed:
        return details_page(doc, access_token, 409, withdraw_error=_("This application can no longer be withdrawn."))
    return details_page(intake().applications.get(doc["_id"]), access_token, withdrawn=True)


@bp.post("/status/documents")
@rate_limited("status")
def document_upload():
    """Add or replace one document of an open application (the reviewer sees it at once)."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    kind = request.form.get("kind", "")
    errors = {}
    if kind not in APPLICATION_KINDS:
        errors["kind"] = [_("Choose which document this is.")]
    content, refused = attached_file("document", _("Choose the file to upload (PDF or image)."))
    if refused:
        errors["document"] = refused
    if errors:
        return details_page(doc, access_token, 422, upload_errors=errors)
    try:
        submissions.add_document(intake(), doc, kind, *content)
    except submissions.NotAllowed:
        closed = _("Documents can only be added while the application is open.")
        return details_page(doc, access_token, 409, upload_errors={"document": [closed]})
    return details_page(intake().applications.get(doc["_id"]), access_token, 201, uploaded=kind)


# The listing form's values: the choice it sends is the opposite of what the status page shows.
LISTING_CHOICES = {"yes": True, "no": False}


@bp.post("/status/listing")
@rate_limited("status")
def listing_change():
    """Leave the public directory, or appear in it again; the registration and its verification stay as they are."""
    application_id, access_token, doc = authorised_form()
    if doc is None:
        return not_matched(application_id)
    choice = LISTING_CHOICES.get(request.form.get("listed", ""))
    if choice is None:
        return details_page(doc, access_token, 422,
                            listing_errors={"listed": [_("Choose whether to appear in the public directory.")]})
    try:
        doc = listing.set_listed(intake(), doc, choice)
    except listing.NotListable:
        none_in_force = _("Only a registration in force can be listed in or removed from the public directory.")
        return details_page(doc, access_token, 409, listing_errors={"listing": [none_in_force]})
    return details_page(doc, access_token, listing_changed=True)
