"""Who looked at the applicant's record: verification's RecordViewed (a reviewer, admin or auditor opened the case
or one of its documents) kept on the application for its status page, the role and the time only (never a name),
the latest LOOKS_KEPT of them, each once."""
import datetime as dt

from intake.service_layer.dependencies import Dependencies

LOOKS_KEPT = 100
ROLES = ("reviewer", "admin", "auditor")


def record_look(deps: Dependencies, envelope: dict) -> bool:
    """Keep the look on the application; False when it changed nothing (a repeat, or no such application)."""
    payload = envelope["payload"]
    role = payload.get("role") if payload.get("role") in ROLES else "reviewer"
    what = str(payload.get("what", "case"))[:40]
    at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    return deps.applications.record_look(payload.get("application_id") or envelope["key"],
                                         {"event_id": envelope["event_id"], "role": role, "what": what, "at": at},
                                         LOOKS_KEPT)


def looks_of(doc: dict, limit: int = 20) -> list[dict]:
    """The latest looks at the record, the latest first: role, what and when."""
    return [{"role": look["role"], "what": look["what"], "at": look["at"]}
            for look in reversed(doc.get("looks", [])[-limit:])]
