"""The pages applicants use: they work without JavaScript and submit through the same
validation and service layer as the JSON API."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from domainkit.geography import PROVINCES
from domainkit.platforms import PLATFORM_NAMES
from domainkit.skills import SKILLS
from intake.bootstrap import intake_for
from intake.domain.documents import APPLICATION_KINDS, REQUIRED_KINDS
from intake.entrypoints.schemas import EDUCATION_LEVELS, ApplicationSchema
from intake.entrypoints.uploads import UploadRefused, read_upload
from intake.entrypoints.web import labels
from intake.entrypoints.web.form import PLATFORM_ROWS, application_from_form, messages_by_field
from intake.service_layer import drafts, renewals, submissions, views
from servicekit.rate_limit import rate_limited

bp = Blueprint("pages", __name__, template_folder="templates")
# The form's file fields: every document kind (domainkit.documents), and whether the form requires it.
UPLOADS = {kind: kind in REQUIRED_KINDS for kind in APPLICATION_KINDS}


def _intake():
    return intake_for(current_app.config["SERVICE_CONFIG"])


@bp.app_context_processor
def page_labels():
    """The labels every intake page may show, in the page's language."""
    return {"status_label": labels.status_label, "tag_colour": labels.tag_colour,
            "fee_status_label": labels.fee_status_label, "document_label": labels.document_label}


def _form_page(values=None, errors=None, status=200, draft_id="", kept=()):
    """The application form; `values` prefill it, `draft_id` and `kept` (the kinds of file the draft holds)
    when the applicant came back from checking their answers to change one."""
    skills_by_category = {}
    for skill in SKILLS:
        skills_by_category.setdefault(_(skill.category), []).append((skill.slug, _(skill.name)))
    return render_template("apply.html", values=values or MultiDict(), errors=errors or {},
                           province_choices=[(p, _(p)) for p in PROVINCES],
                           education_choices=[(e, _(labels.EDUCATION_LABELS[e])) for e in EDUCATION_LEVELS],
                           platforms=_platform_names(), platform_rows=PLATFORM_ROWS,
                           skills_by_category=skills_by_category, uploads=UPLOADS, draft_id=draft_id,
                           kept=set(kept)), status


def _platform_names() -> dict[str, str]:
    return {value: (_(name) if value == "other" else name) for value, name in PLATFORM_NAMES.items()}


def _answers(form: MultiDict) -> MultiDict:
    """The form's answers without the page's own fields (the CSRF token, the draft's id)."""
    return MultiDict([(k, v) for k, v in form.items(multi=True) if k not in ("csrf_token", "draft")])


def _validated(values: MultiDict) -> tuple[dict | None, dict]:
    try:
        return ApplicationSchema().load(application_from_form(values)), {}
    except ValidationError as exc:
        return None, messages_by_field(exc.messages, values, labels.translated_message)


@bp.get("/")
def application_form():
    """The form: empty, or prefilled from a draft when the applicant chose to change an answer."""
    draft_id = request.args.get("draft", "")
    draft = drafts.find(_intake(), draft_id) if draft_id else None
    if draft is None:
        return _form_page()
    answers, files = draft
    return _form_page(MultiDict([(k, v) for k, values in answers.items() for v in values]), draft_id=draft_id,
                      kept=files)


@bp.post("/apply")
@rate_limited("submit")
def submit_form():
    """Check the answers and files; when they are right, keep them as a draft and show them back to check."""
    values = _answers(request.form)
    previous_id = request.form.get("draft", "")
    previous = drafts.find(_intake(), previous_id) if previous_id else None
    files = dict(previous[1]) if previous else {}
    data, errors = _validated(values)
    for kind, required in UPLOADS.items():
        storage = request.files.get(kind)
        if storage is None or not storage.filename:
            if required and kind not in files:
                errors[kind] = [_("Upload this document.")]
            continue
        try:
            files[kind] = read_upload(storage, current_app.config["SERVICE_CONFIG"].document_max_bytes)
        except UploadRefused as refused:
            errors[kind] = [_(str(refused))]
    if errors:
        return _form_page(values, errors, 422, draft_id=previous_id if previous else "", kept=files)
    draft_id = drafts.keep(_intake(), values.to_dict(flat=False), files)
    if previous:
        drafts.discard(_intake(), previous_id)
    return _check_page(draft_id, data, values, files)


def _check_page(draft_id: str, data: dict, values: MultiDict, files: dict, status: int = 200):
    skill_names = {skill.slug: _(skill.name) for skill in SKILLS}
    return render_template("check.html", draft_id=draft_id, data=data, values=values,
                           files={kind: (content_type, len(content)) for kind, (content_type, content) in files.items()},
                           skill_names=skill_names, platforms=_platform_names(),
                           education=_(labels.EDUCATION_LABELS[data["education"]]),
                           gender={"male": _("Male"), "female": _("Female"), "other": _("Other")}[data["gender"]],
                           province=_(data["province"])), status


@bp.post("/apply/confirm")
def confirm_application():
    """Send the checked draft: the same submission as the API's, then the confirmation with the tracking id."""
    draft_id = request.form.get("draft", "")
    draft = drafts.find(_intake(), draft_id)
    if draft is None:
        return render_template("draft_expired.html"), 410
    answers, files = draft
    values = MultiDict([(k, v) for k, vs in answers.items() for v in vs])
    data, errors = _validated(values)
    if errors:  # the rules changed meanwhile (or a birthday): back to the form with the answers
        return _form_page(values, errors, 422, draft_id=draft_id, kept=files)
    try:
        submitted = submissions.submit(_intake(), data)
    except submissions.DuplicateCnic:
        return _form_page(values, {"cnic": [_("An active application or registration already exists for this CNIC.")]},
                          409, draft_id=draft_id, kept=files)
    for kind, (content_type, content) in files.items():
        submissions.add_document(_intake(), submitted.application, kind, content_type, content)
    drafts.discard(_intake(), draft_id)
    return render_template("submitted.html", application_id=submitted.application_id,
                           token=submitted.access_token), 201


@bp.get("/status")
@rate_limited("status")
def status_page():
    application_id = request.args.get("application_id", "").strip()[:64]
    status = views.status_of(_intake(), application_id) if application_id else None
    not_found = bool(application_id) and status is None
    return render_template("status.html", application_id=application_id, status=status,
                           not_found=not_found), (404 if not_found else 200)


@bp.post("/status")
@rate_limited("status")
def applicant_status_page():
    application_id = request.form.get("application_id", "").strip()[:64]
    try:
        doc = submissions.authorise(_intake(), application_id, request.form.get("access_token", "").strip())
    except submissions.NotFound:
        return render_template("status.html", application_id=application_id, status=None, wrong_token=True), 404
    return render_template("status.html", application_id=application_id, status=views.public_status(doc),
                           view=views.applicant_view(_intake(), doc), access_token=request.form.get("access_token", ""))


@bp.post("/status/renewal")
@rate_limited("status")
def renewal_request_page():
    """The registrant's renewal request from the status page: the PRC and the profile confirmed."""
    application_id = request.form.get("application_id", "").strip()[:64]
    access_token = request.form.get("access_token", "").strip()
    try:
        doc = submissions.authorise(_intake(), application_id, access_token)
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
            doc = renewals.request_renewal(_intake(), doc, *prc)
            status = 202
        except renewals.NotRenewable:
            errors["renewal"], status = [_("This registration cannot be renewed now.")], 409
        except renewals.RenewalClosed as closed:
            errors["renewal"], status = [str(closed)], 409
    return render_template("status.html", application_id=application_id, status=views.public_status(doc),
                           view=views.applicant_view(_intake(), doc), access_token=access_token,
                           renewal_errors=errors, renewal_sent=status == 202), status
