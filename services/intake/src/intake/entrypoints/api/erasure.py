"""The applicant's rights over their data, by the application's access token: a copy of all of it (one ZIP
archive), and erasure (domain/erasure.py) of an application that ended without a registration. Registrations are
kept for their legal retention, then erased by the policy."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import Conflict

from intake.domain.erasure import NotErasable
from intake.entrypoints.api.applications import authorised_application, intake
from intake.entrypoints.downloads import archive_response
from intake.service_layer import erasure, export

blp = Blueprint("my_data", __name__, url_prefix="/api/v1/applications",
                description="The applicant's data: download all of it; erase it (rejected, withdrawn or lapsed "
                            "applications)")


class ErasureSchema(Schema):
    cause = fields.String(metadata={"description": "applicant or retention"})
    at = fields.DateTime(metadata={"description": "when it was erased"})
    completed_by = fields.Dict(keys=fields.String(), values=fields.DateTime(),
                               metadata={"description": "the services that have erased what they held, and when"})


class ErasedSchema(Schema):
    status = fields.String()
    erasure = fields.Nested(ErasureSchema)


@blp.route("/<application_id>/erasure", methods=["POST"])
@blp.response(202, ErasedSchema)
@blp.alt_response(401, description="No access token")
@blp.alt_response(404, description="No application with that id and access token")
@blp.alt_response(409, description="Open, or a registration (kept for its legal retention): it cannot be erased")
def erase(application_id):
    """Erase the application's personal data everywhere: its keys are destroyed at once (every sealed copy, in
    every service and event, is unreadable from then on) and each service removes what it holds; `completed_by`
    fills in as they report. Repeating it answers the same."""
    doc = authorised_application(application_id)
    try:
        return erasure.erase(intake(), doc)
    except NotErasable as refused:
        raise Conflict(f"An application that is {refused} cannot be erased: only rejected, withdrawn or lapsed "
                       "ones can (a registration is kept for its legal retention, then erased).") from None


@blp.route("/<application_id>/erasure", methods=["GET"])
@blp.response(200, ErasedSchema)
@blp.alt_response(404, description="No application with that id and access token")
def erasure_state(application_id):
    """Whether the application was erased, and which services have finished."""
    doc = authorised_application(application_id)
    return {"status": doc["status"], "erasure": doc.get("erasure")}


@blp.route("/<application_id>/export")
@blp.doc(responses={200: {"description": "application.json and the uploaded documents, as one ZIP archive",
                          "content": {"application/zip": {}}}})
@blp.alt_response(404, description="No application with that id and access token")
def export_data(application_id):
    """Everything intake holds about the application: what was filed (CNIC in full), its timeline, decision,
    voucher and the looks at the record, and every uploaded document."""
    doc = authorised_application(application_id)
    return archive_response(export.archive_of(intake(), doc), application_id)
