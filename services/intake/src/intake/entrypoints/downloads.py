"""What the API and the pages hand out as files."""
from flask import Response


def certificate_response(pdf: bytes, registration_number: str) -> Response:
    """A certificate as a download the browser does not keep (it carries the registrant's name)."""
    return Response(pdf, content_type="application/pdf", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="certificate-{registration_number}.pdf"'})


def archive_response(archive: bytes, application_id: str) -> Response:
    """The applicant's data as a ZIP download the browser does not keep."""
    return Response(archive, content_type="application/zip", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="my-data-{application_id}.zip"'})
