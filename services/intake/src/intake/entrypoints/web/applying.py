"""Applying on the web: the form, checking the answers (kept as a draft meanwhile), sending them."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from domainkit.geography import PROVINCES
from domainkit.platforms import PLATFORM_NAMES
from domainkit.skills import SKILLS
from intake.domain.documents import APPLICATION_KINDS, REQUIRED_KINDS
from intake.entrypoints.schemas import EDUCATION_LEVELS, ApplicationSchema
from intake.entrypoints.uploads import UploadRefused, read_upload
from intake.entrypoints.web import labels
from intake.entrypoints.web.blueprint import bp, intake
from intake.entrypoints.web.form import PLATFORM_ROWS, application_from_form, messages_by_field
from intake.service_layer import drafts, submissions
from servicekit.rate_limit import rate_limited

# The form's file fields: every document kind (domainkit.documents), and whether the form requires it.
UPLOADS = {kind: kind in REQUIRED_KINDS for kind in APPLICATION_KINDS}


def form_page(values=None, errors=None, status=200, draft_id="", kept=(), amending=None):
    """The application form; `values` prefill it, `draft_id` and `kept` (the kinds of file the draft holds)
    when the applicant came back from checking their answers to change one. `amending` ({application_id,
    access_token, cnic_masked}): the same form changing an open application (amending.py), without the CNIC,
    the documents and the declaration, which an amendment does not change."""
    skills_by_category = {}
    for skill in SKILLS:
        skills_by_category.setdefault(_(skill.category), []).append((skill.slug, _(skill.name)))
    return render_template("apply.html", values=values or MultiDict(), errors=errors or {},
                           province_choices=[(p, _(p)) for p in PROVINCES],
                           education_choices=[(e, _(labels.EDUCATION_LABELS[e])) for e in EDUCATION_LEVELS],
                           platforms=_platform_names(), platform_rows=PLATFORM_ROWS,
                           skills_by_category=skills_by_category, uploads=UPLOADS, draft_id=draft_id,
                           kept=set(kept), amending=amending), status


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
    draft = drafts.find(intake(), draft_id) if draft_id else None
    if draft is None:
        return form_page()
    answers, files = draft
    return form_page(MultiDict([(k, v) for k, values in answers.items() for v in values]), draft_id=draft_id,
                      kept=files)


@bp.post("/apply")
@rate_limited("submit")
def submit_form():
    """Check the answers and files; when they are right, keep them as a draft and show them back to check."""
    values = _answers(request.form)
    previous_id = request.form.get("draft", "")
    previous = drafts.find(intake(), previous_id) if previous_id else None
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
        return form_page(values, errors, 422, draft_id=previous_id if previous else "", kept=files)
    draft_id = drafts.keep(intake(), values.to_dict(flat=False), files)
    if previous:
        drafts.discard(intake(), previous_id)
    return _check_page(draft_id, data, values, files)


def _check_page(draft_id: str, data: dict, values: MultiDict, files: dict, status: int = 200):
    skill_names = {skill.slug: _(skill.name) for skill in SKILLS}
    return render_template("check.html", draft_id=draft_id, data=data, values=values,
                           files={kind: (content_type, len(content))
                                  for kind, (content_type, content) in files.items()},
                           skill_names=skill_names, platforms=_platform_names(),
                           education=_(labels.EDUCATION_LABELS[data["education"]]),
                           gender={"male": _("Male"), "female": _("Female"), "other": _("Other")}[data["gender"]],
                           province=_(data["province"])), status


@bp.post("/apply/confirm")
def confirm_application():
    """Send the checked draft: the same submission as the API's, then the confirmation with the tracking id."""
    draft_id = request.form.get("draft", "")
    draft = drafts.find(intake(), draft_id)
    if draft is None:
        return render_template("draft_expired.html"), 410
    answers, files = draft
    values = MultiDict([(k, v) for k, vs in answers.items() for v in vs])
    data, errors = _validated(values)
    if errors:  # the rules changed meanwhile (or a birthday): back to the form with the answers
        return form_page(values, errors, 422, draft_id=draft_id, kept=files)
    try:
        submitted = submissions.submit(intake(), data)
    except submissions.DuplicateCnic:
        return form_page(values, {"cnic": [_("An active application or registration already exists for this CNIC.")]},
                          409, draft_id=draft_id, kept=files)
    for kind, (content_type, content) in files.items():
        submissions.add_document(intake(), submitted.application, kind, content_type, content)
    drafts.discard(intake(), draft_id)
    return render_template("submitted.html", application_id=submitted.application_id,
                           token=submitted.access_token), 201
