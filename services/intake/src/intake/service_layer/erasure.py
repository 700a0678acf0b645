"""Erasing an application's personal data (domain/erasure.py has the rules): asked for by its applicant, or done by
the retention policy; the services' completions noted; and the report of what the policy will erase next.

The order makes a crash harmless: the data keys go first (from then on nothing sealed under them can be read,
anywhere), then the documents, then the application's own fields with the ApplicationErased event in one write.
Repeating an interrupted erasure finishes it."""
import dataclasses
import datetime as dt

from eventkit.envelope import new_event
from intake.domain import erasure as rules
from intake.domain.events import SOURCE
from intake.service_layer.dependencies import Dependencies

APPLICATION_ERASED = "ApplicationErased"
ERASURE_COMPLETED = "ErasureCompleted"


@dataclasses.dataclass(frozen=True)
class RetentionPolicy:
    closed_after_days: float = 730.0  # ERASE_CLOSED_AFTER_DAYS
    registrations_after_years: float = 10.0  # ERASE_REGISTRATIONS_AFTER_YEARS


def erase(deps: Dependencies, doc: dict, cause: str = rules.APPLICANT) -> dict:
    """Erase the application; its status and erasure after it. NotErasable when it is open or a registration
    in force (and, asked by the applicant, a registration at all: the board keeps those for their retention).

    Begun in one conditional write (the status checked), then the keys destroyed, the documents deleted, and
    finished in one write with ApplicationErased: a crash anywhere is finished by the next attempt (the
    applicant's, or the retention job's), and a status that changed meanwhile stops it before anything goes."""
    statuses = rules.ERASABLE_ON_REQUEST if cause == rules.APPLICANT else \
        rules.ERASABLE_ON_REQUEST + rules.ENDED_REGISTRATIONS
    if doc.get("erasure"):
        return {"status": doc["status"], "erasure": doc["erasure"]}
    now = deps.now()
    begun = deps.erasures.start(doc["_id"], statuses, now)
    if begun is None:
        current = deps.applications.get(doc["_id"])
        if current and current.get("erasure"):
            return {"status": current["status"], "erasure": current["erasure"]}
        raise rules.NotErasable(current["status"] if current else "gone")
    deps.data_keys.destroy(doc["_id"], now)
    deps.documents.delete_all_of(doc["_id"])
    event = new_event(APPLICATION_ERASED, doc["_id"], {"application_id": doc["_id"], "cause": cause}, source=SOURCE)
    erased = deps.erasures.finish(doc["_id"], rules.erasure_record(cause, now), event)
    if erased is None:  # finished meanwhile by another attempt
        current = deps.applications.get(doc["_id"])
        return {"status": current["status"], "erasure": current["erasure"]}
    return {"status": erased["status"], "erasure": erased["erasure"]}


def record_completion(deps: Dependencies, envelope: dict) -> None:
    """ErasureCompleted from another service: noted on the application (the status page lists who has)."""
    payload = envelope["payload"]
    deps.erasures.note_completion(payload["application_id"], payload["service"], deps.now())


def due(deps: Dependencies, policy: RetentionPolicy, until: dt.datetime, limit: int = 1000) -> list[dict]:
    """What the policy erases by `until` (now, or a date ahead for the report): id, status, ended, erase_on."""
    found = []
    for status in rules.ERASABLE_ON_REQUEST + rules.ENDED_REGISTRATIONS:
        keep = rules.erase_after(status, policy.closed_after_days, policy.registrations_after_years)
        for doc in deps.erasures.ended_before(status, until - keep, limit):
            found.append({"application_id": doc["_id"], "status": status, "ended_at": doc["updated_at"],
                          "erase_on": doc["updated_at"] + keep})
    return sorted(found, key=lambda d: d["erase_on"])[:limit]


def erase_due(deps: Dependencies, policy: RetentionPolicy, progress=None) -> int:
    """Erase everything the policy says is due now; how many (the daily scheduled job)."""
    erased = 0
    while batch := due(deps, policy, deps.now(), limit=500):
        before = erased
        for item in batch:
            doc = deps.applications.get(item["application_id"])
            if doc is not None and not doc.get("erasure"):
                erase(deps, doc, rules.RETENTION)
                erased += 1
            if progress:
                progress.advance(1)
        if erased == before:  # nothing in the batch could be erased: stop rather than read it again
            break
    return erased
