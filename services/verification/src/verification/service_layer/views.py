"""What reviewers see of a case; each look is written to the case's audit log."""
import datetime as dt
from collections.abc import Iterable

from domainkit.people import cnic_index
from servicekit.cursors import decode_cursor, encode_cursor
from verification.adapters.intake_documents import DocumentUnavailable
from verification.domain import events
from verification.domain.case import audit_entry
from verification.domain.queue import CNIC, REGISTRATION_NUMBER, QueueFilter, live_lease, parse_search
from verification.service_layer.decisions import CaseNotFound
from verification.service_layer.dependencies import Dependencies

HISTORY_LIMIT = 50  # the applicant's other cases a case view lists
PENDING_STATES = {"pending": ["in_review", "renewal_in_review"],
                  "decided": ["awaiting_payment", "approved", "rejected", "lapsed", "expired", "revoked",
                              "renewal_awaiting_payment"],
                  "awaiting_applicant": ["awaiting_applicant"],  # a reviewer asked them for more (domain.information)
                  "all": ["checking", "in_review", "awaiting_applicant", "awaiting_payment", "approved", "rejected",
                          "withdrawn", "lapsed", "expired", "revoked", "renewal_in_review", "renewal_awaiting_payment"]}


def queue(deps: Dependencies, state: str, limit: int, cursor: str | None = None, q: str | None = None,
          reviewer: str | None = None, **filters) -> dict:
    """One page of the queue, the longest waiting first, and the cursor of the next page (None at the end).
    `q` is read by domain.queue.parse_search (a CNIC, a registration number, an id or name words); `filters`
    are QueueFilter's: flag, province, waiting_days, assigned (with `reviewer`: whose "me" is).
    ValueError for a cursor not handed out here."""
    after = decode_cursor(cursor) if cursor else None
    now = deps.now()
    cases = deps.cases.queue(queue_filter(deps, state, q, reviewer, now, **filters), limit + 1, after)
    page = cases[:limit]
    return {"items": [_queue_item(c, now) for c in page],
            "next_cursor": encode_cursor(page[-1]["received_at"], page[-1]["_id"]) if len(cases) > limit else None}


def queue_filter(deps: Dependencies, state: str, q: str | None, reviewer: str | None, now: dt.datetime,
                 flag: str | None = None, province: str | None = None, waiting_days: int | None = None,
                 assigned: str | None = None) -> QueueFilter:
    """What a page of the queue holds: a CNIC is looked up by its blind index (never compared in clear), and
    a CNIC or registration-number search looks in every state."""
    search = parse_search(q)
    wanted = {}
    if search is not None:
        if search.kind == CNIC:
            wanted["cnic_index"] = cnic_index(deps.index_key, search.value)
        elif search.kind == REGISTRATION_NUMBER:
            wanted["registration_number"] = search.value
        else:
            wanted["words"] = search.value
    states = PENDING_STATES["all"] if search is not None and search.in_every_state else PENDING_STATES[state]
    received_before = now - dt.timedelta(days=waiting_days) if waiting_days else None
    return QueueFilter(tuple(states), now, flag=flag, province=province, received_before=received_before,
                       assigned=assigned, reviewer=reviewer, **wanted)


def _lease_of(case: dict, now: dt.datetime) -> dict | None:
    """Who is working on the case and until when; None when nobody holds a live lease on it."""
    lease = live_lease(case, now)
    return lease.as_dict() if lease else None


def _queue_item(case: dict, now: dt.datetime) -> dict:
    return {"application_id": case["_id"], "full_name": case["public"]["full_name"],
            "province": case["public"]["province"], "city": case["public"]["city"], "state": case["state"],
            "reasons": case.get("reasons", []), "received_at": case["received_at"],
            "registration_number": (case.get("decision") or {}).get("registration_number"),
            "lease": _lease_of(case, now)}


def workload(deps: Dependencies, reviewer: str) -> dict:
    """The console's front-page figures: cases waiting for a reviewer, how many nobody has claimed, how many
    `reviewer` holds, what waits for a second admin, and since when the longest-waiting case waits."""
    now = deps.now()
    states = tuple(PENDING_STATES["pending"])
    waiting = QueueFilter(states, now, reviewer=reviewer)
    pending = deps.cases.count(waiting)
    claimed = deps.cases.count_claimed(states, now)  # few, through their own index: the rest is unclaimed
    mine = deps.cases.count_claimed(states, now, reviewer)
    oldest = deps.cases.queue(waiting, 1)
    return {"pending": pending, "unassigned": max(pending - claimed, 0), "mine": mine,
            "claimed_by_others": max(claimed - mine, 0),
            "awaiting_second_admin": deps.cases.count_awaiting_second_admin(),
            "oldest_received_at": oldest[0]["received_at"] if oldest else None}


def case_view(deps: Dependencies, application_id: str, reviewer: str, audited: bool = True,
              role: str = "reviewer") -> dict:
    """The case as a reviewer (of `role`) sees it; `audited=False` when it only confirms the reviewer's own
    decision. An audited look is logged and read in one write, and the applicant is told of it (role and time)."""
    if audited:
        case = deps.cases.record_view(application_id, audit_entry(f"reviewer:{reviewer}", "case_viewed"),
                                      events.record_viewed(application_id, role, "case"))
    else:
        case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case.get("erased_at"):
        return erased_case_view(case)
    private = deps.open_sealed(case["sealed"])
    return {
        "application_id": case["_id"], "state": case["state"], "version": case["version"],
        "received_at": case["received_at"], "updated_at": case["updated_at"],
        "applicant": {**case["public"], **private, "language": case["language"]},
        "checks": case.get("checks", []), "reasons": case.get("reasons", []), "decision": case.get("decision"),
        "documents": sorted(case.get("documents", {}).values(), key=lambda d: d["kind"]),
        "audit": case.get("audit", []), "pending_action": case.get("pending_action"), "renewal": case.get("renewal"),
        "lease": _lease_of(case, deps.now()), "information_request": case.get("information_request"),
        "history": [{"application_id": other["_id"], "state": other["state"], "received_at": other["received_at"],
                     "registration_number": (other.get("decision") or {}).get("registration_number")}
                    for other in deps.cases.same_identity(case["indexes"]["cnic"], HISTORY_LIMIT)
                    if other["_id"] != case["_id"]],
    }


def erased_case_view(case: dict) -> dict:
    """An erased case: its state, decision and audit trail, nothing of the applicant."""
    return {"application_id": case["_id"], "state": case["state"], "version": case["version"],
            "received_at": case["received_at"], "updated_at": case["updated_at"],
            "applicant": {**case["public"], "language": case.get("language", "en")}, "checks": [],
            "reasons": case.get("reasons", []), "decision": case.get("decision"), "documents": [],
            "audit": case.get("audit", []), "pending_action": None, "renewal": None, "lease": None,
            "information_request": None, "history": [], "erased_at": case["erased_at"]}


def document(deps: Dependencies, application_id: str, kind: str, reviewer: str,
             role: str = "reviewer") -> tuple[str, Iterable[bytes]]:
    """(content type, content's chunks) of one of the case's documents, streamed from intake; the look is
    audited. CaseNotFound when the case has no such document; DocumentUnavailable when intake fails."""
    case = deps.cases.get(application_id)
    if case is None or kind not in case.get("documents", {}):
        raise CaseNotFound()
    content_type, content = deps.documents.fetch(application_id, kind)  # raises DocumentUnavailable
    deps.cases.record_audit(application_id, audit_entry(f"reviewer:{reviewer}", "document_viewed", kind),
                            events.record_viewed(application_id, role, f"document:{kind}"))
    return content_type, content


def audit_log(deps: Dependencies, application_id: str) -> list[dict]:
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    return case.get("audit", [])


__all__ = ["queue", "workload", "case_view", "document", "audit_log", "DocumentUnavailable"]
