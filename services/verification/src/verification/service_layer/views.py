"""What reviewers see of a case; each look is written to the case's audit log."""
from servicekit.cursors import decode_cursor, encode_cursor
from verification.adapters.intake_documents import DocumentUnavailable
from verification.domain.case import audit_entry
from verification.service_layer.decisions import CaseNotFound
from verification.service_layer.dependencies import Dependencies

PENDING_STATES = {"pending": ["in_review", "renewal_in_review"],
                  "decided": ["awaiting_payment", "approved", "rejected", "lapsed", "expired", "revoked",
                              "renewal_awaiting_payment"],
                  "all": ["checking", "in_review", "awaiting_payment", "approved", "rejected", "withdrawn", "lapsed",
                          "expired", "revoked", "renewal_in_review", "renewal_awaiting_payment"]}


def queue(deps: Dependencies, state: str, limit: int, cursor: str | None = None, q: str | None = None) -> dict:
    """One page of the queue, oldest first, and the cursor of the next page (None at the end); `q`
    finds an application id, or the names with words starting with each of its words (domain.name_search).
    ValueError for a cursor not handed out here."""
    after = decode_cursor(cursor) if cursor else None
    cases = deps.cases.queue(PENDING_STATES[state], limit + 1, after, (q or "").strip() or None)
    page = cases[:limit]
    return {"items": [{"application_id": c["_id"], "full_name": c["public"]["full_name"],
                       "province": c["public"]["province"], "city": c["public"]["city"], "state": c["state"],
                       "reasons": c.get("reasons", []), "received_at": c["received_at"]} for c in page],
            "next_cursor": encode_cursor(page[-1]["received_at"], page[-1]["_id"]) if len(cases) > limit else None}


def case_view(deps: Dependencies, application_id: str, reviewer: str, audited: bool = True) -> dict:
    """The case as a reviewer sees it; `audited=False` when it only confirms the reviewer's own decision.
    An audited look is logged and read in one write."""
    if audited:
        case = deps.cases.record_view(application_id, audit_entry(f"reviewer:{reviewer}", "case_viewed"))
    else:
        case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    private = deps.events_sealer.unseal(case["sealed"])
    return {
        "application_id": case["_id"], "state": case["state"], "version": case["version"],
        "received_at": case["received_at"], "updated_at": case["updated_at"],
        "applicant": {**case["public"], **private, "language": case["language"]},
        "checks": case.get("checks", []), "reasons": case.get("reasons", []), "decision": case.get("decision"),
        "documents": sorted(case.get("documents", {}).values(), key=lambda d: d["kind"]),
        "audit": case.get("audit", []), "pending_action": case.get("pending_action"), "renewal": case.get("renewal"),
    }


def document(deps: Dependencies, application_id: str, kind: str, reviewer: str) -> tuple[str, bytes]:
    case = deps.cases.get(application_id)
    if case is None or kind not in case.get("documents", {}):
        raise CaseNotFound()
    content_type, content = deps.documents.fetch(application_id, kind)  # raises DocumentUnavailable
    deps.cases.record_audit(application_id, audit_entry(f"reviewer:{reviewer}", "document_viewed", kind))
    return content_type, content


def audit_log(deps: Dependencies, application_id: str) -> list[dict]:
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    return case.get("audit", [])


__all__ = ["queue", "case_view", "document", "audit_log", "DocumentUnavailable"]
