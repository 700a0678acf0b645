"""The applicant's copy of everything intake holds about their application (the right of access): one ZIP archive
with `application.json` (what they filed, CNIC in full, the timeline, decision, voucher, renewal, the looks at
their record) and each uploaded document as the file it was. Built in memory: an application's documents are a
few megabytes at most."""
import io
import json
import zipfile

from intake.service_layer.dependencies import Dependencies
from intake.service_layer.submissions import current_data

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def archive_of(deps: Dependencies, doc: dict) -> bytes:
    """The ZIP archive of the application's data; an erased application's holds what is left (no personal data)."""
    record = {"application_id": doc["_id"], "status": doc["status"], "submitted_at": doc["submitted_at"],
              "updated_at": doc["updated_at"], "timeline": doc["timeline"], "decision": doc.get("decision") or {},
              "voucher": doc.get("voucher"), "renewal": doc.get("renewal"), "looks": doc.get("looks", []),
              "erasure": doc.get("erasure")}
    if not doc.get("erasure") and not doc.get("erasure_started_at"):
        record["filed"] = current_data(deps, doc)
        record["documents"] = sorted(doc.get("documents", {}).values(), key=lambda d: d["kind"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("application.json", json.dumps(record, indent=2, ensure_ascii=False, default=str))
        for info in record.get("documents", []):
            found = deps.documents.get(doc["_id"], info["kind"])
            if found is not None:
                stored, content = found
                archive.writestr(f"documents/{info['kind']}.{EXTENSIONS.get(stored['content_type'], 'bin')}",
                                 content)
    return buffer.getvalue()
