"""What an applicant, and the public, may see of an application."""
from domainkit.identity import mask_cnic
from intake.bootstrap import Intake
from intake.service_layer.submissions import current_data


def public_status(doc: dict) -> dict:
    """No personal data: anyone holding the tracking id may see this."""
    return {"application_id": doc["_id"], "status": doc["status"], "updated_at": doc["updated_at"]}


def applicant_view(intake: Intake, doc: dict) -> dict:
    """Everything the applicant filed (CNIC masked), the timeline, and the outcome."""
    data = current_data(intake, doc)
    cnic = data.pop("cnic")
    decision = doc.get("decision") or {}
    return {
        "application_id": doc["_id"],
        "status": doc["status"],
        "submitted_at": doc["submitted_at"],
        "updated_at": doc["updated_at"],
        **data,
        "cnic_masked": mask_cnic(cnic),
        "timeline": doc["timeline"],
        "reasons": decision.get("reasons", []),
        "registration_number": decision.get("registration_number"),
        "valid_until": decision.get("valid_until"),
        "documents": sorted(doc.get("documents", {}).values(), key=lambda d: d["kind"]),
    }
