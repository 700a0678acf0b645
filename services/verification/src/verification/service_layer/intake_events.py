"""Keeping cases in step with intake's application events: submitted, amended, withdrawn, documents."""
from cryptography.exceptions import InvalidTag

from domainkit.documents import KINDS
from domainkit.people import cnic_index, email_index, mobile_index
from eventkit.envelope import InvalidMessage
from servicekit.crypto import KeyErased
from verification.domain import events
from verification.domain.facts import ApplicationFacts
from verification.service_layer.dependencies import Dependencies

SUBMITTED, AMENDED = "ApplicationSubmitted", "ApplicationAmended"


def profile_of(deps: Dependencies, payload: dict) -> dict:
    """The application's public profile: sealed under its identity key (`profile`), or in the clear (`public`) in
    events of earlier versions and on stored cases."""
    return deps.open_sealed(payload["profile"]) if payload.get("profile") else payload["public"]


def unseal_application(deps: Dependencies, payload: dict) -> tuple[ApplicationFacts, dict]:
    """The application's facts and its blind indexes; InvalidMessage when it can never be read."""
    try:
        private = deps.open_sealed(payload["sealed"])
        facts = ApplicationFacts.from_event({**payload, "public": profile_of(deps, payload)}, private)
    except KeyErased:
        raise  # the applicant's data was erased: the caller decides (a replayed submission is skipped)
    except (KeyError, TypeError, ValueError, InvalidTag) as exc:
        raise InvalidMessage(f"unreadable application payload: {type(exc).__name__}: {exc}") from exc
    indexes = {"cnic": cnic_index(deps.index_key, facts.cnic),
               "email": email_index(deps.index_key, facts.email),
               "mobile": mobile_index(deps.index_key, facts.mobile)}
    return facts, indexes


def application_of(deps: Dependencies, envelope: dict) -> tuple[dict, dict]:
    """(the application as a case stores it, the note of the event that delivered it); InvalidMessage when
    the application can never be read, before anything is stored."""
    payload = envelope["payload"]
    _facts, indexes = unseal_application(deps, payload)
    application = {"public": profile_of(deps, payload), "sealed": payload["sealed"], "contact": payload.get("contact"),
                   "payer": payload.get("payer"),
                   "language": payload.get("language", "en"), "indexes": indexes}
    event_note = {"event_id": envelope["event_id"], "event_type": envelope["event_type"],
                  "occurred_at": envelope["occurred_at"]}
    return application, event_note


def receive_application(deps: Dependencies, envelope: dict) -> dict | None:
    """Store the (new or amended) application on its case, to be checked; once per event. Returns the case
    as it is now (None if there is none), for the checks: the one just written, without reading it back.

    A submission opens the case (or, if it exists, is taken as an amendment); an amendment re-opens an
    open case with the new data (`version` goes up, so a decision prepared on the old data no longer
    applies), opens it if intake's submission never reached us, and after a decision is only noted in
    the audit log. The case is stored before it is checked, so two racing duplicates always meet.
    """
    application_id = envelope["key"]
    application, event_note = application_of(deps, envelope)
    at = deps.now()
    first, second = ((deps.cases.open, deps.cases.reopen) if envelope["event_type"] == SUBMITTED
                     else (deps.cases.reopen, deps.cases.open))
    case = first(application_id, application, event_note, at) or second(application_id, application, event_note, at)
    if case is not None:
        return case
    deps.cases.note_ignored_amendment(application_id, event_note, at)
    # Decided or withdrawn, or this event was stored before a crash: what is there now says which.
    return deps.cases.get(application_id)


def withdraw(deps: Dependencies, envelope: dict) -> None:
    deps.cases.withdraw(envelope["key"], envelope["event_id"], deps.now())


def record_document(deps: Dependencies, envelope: dict) -> None:
    payload = envelope["payload"]
    kind = payload.get("kind")
    if kind not in KINDS:
        raise InvalidMessage(f"unknown document kind {kind!r}")
    deps.cases.record_document(envelope["key"], {"kind": kind, "content_type": payload.get("content_type"),
                                                 "size": payload.get("size"), "uploaded_at": envelope["occurred_at"]})


def erase(deps: Dependencies, envelope: dict) -> None:
    """ApplicationErased: the case keeps its state, decision and audit trail and nothing personal; intake (and,
    for a registration, the directory) hear of it by ErasureCompleted. The applicant's keys are destroyed already,
    so what the case held sealed was unreadable before this write."""
    application_id = envelope["key"]
    case = deps.cases.get(application_id)
    if case is None or case.get("erased_at"):
        return
    number = (case.get("decision") or {}).get("registration_number")
    deps.cases.erase(application_id, envelope["event_id"], deps.now(),
                     events.erasure_completed(application_id, number, caused_by=envelope))
