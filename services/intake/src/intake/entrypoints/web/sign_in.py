"""Signing in by one-time code on the web: the address form, the code form, the list of the signed-in
applicant's applications, and signing out (service_layer/sign_in.py has the rules).

The sign-in lives in the session cookie (session.py); the status page's forms then act on an application
filed with that address without its access code (access.py)."""
from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from intake.domain.sign_in import InvalidAddress, SmsNotOffered
from intake.entrypoints.web.access import details_page
from intake.entrypoints.web.blueprint import bp, intake
from intake.entrypoints.web.session import SESSION_KEY, begin_sign_in, signed_in_address
from intake.service_layer import sign_in as signing_in
from intake.service_layer.submissions import NotFound
from servicekit.rate_limit import rate_limited

def _address_page(address: str = "", errors: dict | None = None, status: int = 200):
    return render_template("sign_in.html", address=address, errors=errors or {},
                           sms=intake().sign_in_by_sms), status


@bp.get("/sign-in")
def sign_in_page():
    if signed_in_address():
        return redirect(url_for("pages.my_applications"))
    return _address_page()


@bp.post("/sign-in")
@rate_limited("sign_in")
def send_code():
    """A code to the address typed, if an application has it; the code page either way (never saying which)."""
    address = request.form.get("address", "").strip()[:254]
    sms = intake().sign_in_by_sms
    try:
        challenge_id = signing_in.request_code(intake(), address)
    except InvalidAddress:
        wanted = _('Enter the email address or mobile number on your application.') if sms else \
            _('Enter the email address on your application.')
        return _address_page(address, {"address": [wanted]}, 422)
    except SmsNotOffered:
        return _address_page(address, {"address": [_('Codes are sent by email only: enter your email address.')]},
                             422)
    except signing_in.TooManyCodes:
        return _address_page(address, {"address": [_('Too many codes were asked for this address. Wait an hour '
                                                     'and try again.')]}, 429)
    return render_template("sign_in_code.html", challenge_id=challenge_id, errors={}), 202


@bp.post("/sign-in/code")
@rate_limited("sign_in")
def check_code():
    """Signed in on the right code: the applicant's applications; the code page again otherwise."""
    challenge_id = request.form.get("challenge_id", "")[:64]
    code = request.form.get("code", "").strip()[:12]
    try:
        address_index = signing_in.sign_in(intake(), challenge_id, code)
    except signing_in.CodeRefused:
        refused = _('That code is wrong or no longer valid. Check it, or ask for a new code.')
        return render_template("sign_in_code.html", challenge_id=challenge_id, errors={"code": [refused]}), 422
    begin_sign_in(address_index)
    return redirect(url_for("pages.my_applications"), 303)


@bp.get("/my-applications")
def my_applications():
    address_index = signed_in_address()
    if address_index is None:
        return redirect(url_for("pages.sign_in_page"))
    return render_template("my_applications.html", applications=signing_in.applications_of(intake(), address_index))


@bp.get("/my-applications/<application_id>")
def my_application(application_id: str):
    """One of the signed-in applicant's applications: the status page with its details and actions."""
    address_index = signed_in_address()
    if address_index is None:
        return redirect(url_for("pages.sign_in_page"))
    try:
        doc = signing_in.authorise_signed_in(intake(), application_id[:64], address_index)
    except NotFound:
        return render_template("status.html", application_id=application_id[:64], status=None, not_found=True), 404
    return details_page(doc, "")


@bp.post("/sign-out")
def sign_out():
    session.pop(SESSION_KEY, None)
    return redirect(url_for("pages.sign_in_page", signed_out=1), 303)
