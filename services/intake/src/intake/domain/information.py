"""A reviewer's request for more information, as intake keeps it on the application (`information_request`) to
show the applicant and to tell verification when it is answered (verification's domain.information decides the
rest: the deadline, the reminder, the lapse).

The request is answered when every document it names has been uploaded since it came (InformationProvided goes
to verification with the last of them), or when the applicant amends the application (the amendment re-opens the
case for the checks, so nothing more is sent). A request naming no documents waits for an amendment.
"""
import datetime as dt

INFORMATION_REQUESTED = "InformationRequested"


def request_from(payload: dict, event_id: str, at: dt.datetime) -> dict:
    """What the application keeps of verification's InformationRequested."""
    documents = [str(d) for d in payload.get("documents", [])][:10]
    return {"event_id": event_id, "message": str(payload.get("message", ""))[:2000], "documents": documents,
            "fields": [str(f) for f in payload.get("fields", [])][:20], "respond_by": payload.get("respond_by"),
            "requested_at": at, "outstanding": documents, "answered_at": None}


def is_waiting(request: dict | None) -> bool:
    return bool(request) and request.get("answered_at") is None


def after_upload(request: dict | None, kind: str) -> tuple[list[str], bool] | None:
    """(the documents still outstanding, whether that answers the request) after `kind` is uploaded; None when
    the upload does not bear on a waiting request."""
    if not is_waiting(request) or kind not in request.get("outstanding", []):
        return None
    outstanding = [d for d in request["outstanding"] if d != kind]
    return outstanding, not outstanding
