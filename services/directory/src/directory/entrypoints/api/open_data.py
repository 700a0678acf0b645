"""The open data (domain/open_data.py): what the latest daily snapshot holds, and its files, streamed."""
from flask import Response, current_app, request, stream_with_context, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import NotFound

from directory.domain.open_data import FILES

blp = Blueprint("open_data", __name__, url_prefix="/api/v1/open-data",
                description="The register as open data: public listings (CSV, JSON) and statistics, daily, with "
                            "SHA-256 checksums")
CHUNK = 256 * 1024


def store():
    return current_app.extensions["directory"]().open_data


class OpenDataFileSchema(Schema):
    name = fields.String()
    url = fields.String()
    content_type = fields.String()
    bytes = fields.Integer()
    rows = fields.Integer()
    sha256 = fields.String()


class OpenDataSchema(Schema):
    day = fields.String(allow_none=True, metadata={"description": "the snapshot's day; null before the first"})
    files = fields.List(fields.Nested(OpenDataFileSchema))


@blp.route("")
@blp.response(200, OpenDataSchema)
def snapshot():
    """The latest snapshot's files, each with its size, rows and SHA-256."""
    day = store().latest_day()
    files = store().files_of(day) if day else []
    return {"day": day, "files": [{**f, "url": url_for("open_data.download", name=f["name"], day=day,
                                                        _external=True)} for f in files]}


@blp.route("/<name>")
@blp.doc(responses={200: {"description": "The file (CSV or JSON)", "content": {"text/csv": {}, "application/json": {}}},
                    404: {"description": "No such file, or no snapshot of that day"}})
def download(name):
    """One file of the latest snapshot (or of `?day=YYYY-MM-DD`), with its SHA-256 in the `Digest` header."""
    if name not in FILES:
        raise NotFound(f"The open data has {', '.join(FILES)}.")
    day = request.args.get("day") or store().latest_day()
    found = store().open(day, name) if day else None
    if found is None:
        raise NotFound("No snapshot of that day.")
    metadata, stream = found

    def chunks():
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk
    return Response(stream_with_context(chunks()), content_type=metadata["content_type"], headers={
        "Content-Length": str(metadata["bytes"]), "Digest": f"sha-256={metadata['sha256']}",
        "Content-Disposition": f'attachment; filename="{day}-{name}"', "Cache-Control": "public, max-age=3600"})
