"""Documents: the applicant uploads (multipart field `file`); the applicant and reviewers read.

PNG, JPEG or PDF only, judged by the content's first bytes, never by name or declared type.
"""
import hmac

from flask import Response, current_app, request
from flask_smorest import Blueprint
from werkzeug.exceptions import BadRequest, Conflict, NotFound, RequestEntityTooLarge, Unauthorized, \
    UnsupportedMediaType

from intake.domain.documents import APPLICATION_KINDS, KINDS
from intake.entrypoints.api.applications import authorised_application, intake
from intake.entrypoints.schemas import DocumentInfoSchema
from intake.entrypoints.uploads import UploadRefused, read_upload
from intake.service_layer import submissions
from servicekit.requests import bearer_token

blp = Blueprint("documents", __name__, url_prefix="/api/v1/applications",
                description="Identity documents of an application (never public)")


def settings():
    """Intake's Config, as the app was made with it."""
    return current_app.config["SERVICE_CONFIG"]


def _kind(kind: str, kinds: tuple[str, ...] = KINDS) -> str:
    if kind not in kinds:
        raise NotFound(f"Document kind must be one of: {', '.join(kinds)}.")
    return kind


@blp.route("/<application_id>/documents/<kind>", methods=["PUT"])
@blp.response(201, DocumentInfoSchema)
@blp.alt_response(413, description="File too large")
@blp.alt_response(415, description="Not a PNG, JPEG or PDF")
def upload(application_id, kind):
    """Upload (or replace) a CNIC image or the NTN certificate while the application is open (a PRC comes
    with a renewal request: POST /renewal)."""
    kind = _kind(kind, APPLICATION_KINDS)
    doc = authorised_application(application_id)
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("Send the file as multipart/form-data in a field named 'file'.")
    try:
        content_type, content = read_upload(upload, settings().document_max_bytes)
    except UploadRefused as refused:
        raise {413: RequestEntityTooLarge, 415: UnsupportedMediaType}.get(refused.status, BadRequest)(
            str(refused)) from None
    try:
        return submissions.add_document(intake(), doc, kind, content_type, content)
    except submissions.NotAllowed:
        raise Conflict("Documents can only be added while the application is open.") from None


@blp.route("/<application_id>/documents/<kind>")
@blp.doc(responses={200: {"description": "The file", "content": {"application/octet-stream": {}}}})
def download(application_id, kind):
    """The document itself, for its applicant or for verification (service token)."""
    kind = _kind(kind)
    service_token = settings().service_token
    token = bearer_token()
    if token is None:
        raise Unauthorized("Send a bearer token.")
    if not (service_token and hmac.compare_digest(token, service_token)):
        authorised_application(application_id)
    found = intake().documents.get(application_id, kind)
    if found is None:
        raise NotFound("No such document.")
    info, content = found
    return Response(content, content_type=info["content_type"], headers={
        "Content-Disposition": f'attachment; filename="{kind}"', "Cache-Control": "no-store"})
