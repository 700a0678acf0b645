"""What an applicant, and the public, may see of an application."""
from domainkit.identity import mask_cnic
from intake.domain.application import OPEN
from intake.domain.information import is_waiting
from intake.service_layer.dependencies import Dependencies
from intake.service_layer.looks import looks_of
from intake.service_layer.renewals import window_of
from intake.service_layer.submissions import current_data


def public_status(doc: dict) -> dict:
    """No personal data: anyone holding the tracking id may see this."""
    return {"application_id": doc["_id"], "status": doc["status"], "updated_at": doc["updated_at"]}


def status_of(deps: Dependencies, application_id: str) -> dict | None:
    """The public status of an application (one read of two fields), or None when there is none."""
    doc = deps.applications.get(application_id, {"status": 1, "updated_at": 1})
    return None if doc is None else public_status(doc)


def erased_view(doc: dict) -> dict:
    """What is left of an erased application (or one whose erasure has begun): its status, timeline and
    decision, and the erasure's progress."""
    decision = doc.get("decision") or {}
    erasure = doc.get("erasure") or {"cause": None, "at": doc["erasure_started_at"], "completed_by": {}}
    return {"application_id": doc["_id"], "status": doc["status"], "submitted_at": doc["submitted_at"],
            "updated_at": doc["updated_at"], "timeline": doc["timeline"], "reasons": decision.get("reasons", []),
            "registration_number": decision.get("registration_number"), "documents": [], "looks": [],
            "erasure": erasure}


def applicant_view(deps: Dependencies, doc: dict) -> dict:
    """Everything the applicant filed (CNIC masked), the timeline, and the outcome."""
    if doc.get("erasure") or doc.get("erasure_started_at"):
        return erased_view(doc)
    data = current_data(deps, doc)
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
        "voucher": doc.get("voucher"),  # the fee voucher, once payments has issued one (service_layer/vouchers.py)
        "documents": sorted(doc.get("documents", {}).values(), key=lambda d: d["kind"]),
        "renewal": renewal_of(deps, doc),
        # a reviewer's request for more, while it waits for the applicant (domain/information.py)
        "looks": looks_of(doc),  # who looked at the record (role and time) in verification
        "information_request": doc["information_request"] if is_waiting(doc.get("information_request"))
        and doc["status"] in OPEN else None,
    }


def renewal_of(deps: Dependencies, doc: dict) -> dict | None:
    """When the registration may be renewed, and whether it may be now; None when it cannot be."""
    window = window_of(deps, doc)
    if window is None:
        return None
    now = deps.now()
    return {"opens_at": window[0], "closes_at": window[1], "open": window[0] <= now < window[1],
            "ended": now >= window[1]}
