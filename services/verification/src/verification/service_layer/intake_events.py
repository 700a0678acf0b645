"""Keeping cases in step with intake's application events: submitted, amended, withdrawn, documents."""
from cryptography.exceptions import InvalidTag

from eventkit.envelope import InvalidMessage
from eventkit.inbox import apply_once
from domainkit.documents import KINDS
from domainkit.people import cnic_index, email_index, mobile_index
from verification.bootstrap import Verification
from verification.domain import case as states
from verification.domain.case import SYSTEM, audit_entry
from verification.adapters.cases import now
from verification.domain.facts import ApplicationFacts


def unseal_application(v: Verification, payload: dict) -> tuple[ApplicationFacts, dict]:
    """The application's facts and its blind indexes; InvalidMessage when it can never be read."""
    try:
        private = v.events_sealer.unseal(payload["sealed"])
        facts = ApplicationFacts.from_event(payload, private)
    except (KeyError, TypeError, ValueError, InvalidTag) as exc:
        raise InvalidMessage(f"unreadable application payload: {type(exc).__name__}: {exc}") from exc
    indexes = {"cnic": cnic_index(v.index_key, facts.cnic),
               "email": email_index(v.index_key, facts.email),
               "mobile": mobile_index(v.index_key, facts.mobile)}
    return facts, indexes


def receive_application(v: Verification, envelope: dict) -> None:
    """Store the (new or amended) application on its case, to be checked; once per event.

    An amendment of an open case re-opens it for checking with the new data (`version` goes
    up, so a decision prepared on the old data no longer applies); after a decision it is
    only noted in the audit log.
    """
    payload = envelope["payload"]
    application_id = envelope["key"]
    _facts, indexes = unseal_application(v, payload)  # refuses what can never be read, before storing anything
    at = now()
    event_note = {"event_id": envelope["event_id"], "event_type": envelope["event_type"],
                  "occurred_at": envelope["occurred_at"]}
    data = {"public": payload["public"], "sealed": payload["sealed"], "language": payload.get("language", "en"),
            "indexes": indexes, "updated_at": at}
    guard, mark = apply_once(envelope["event_id"])
    v.cases.remember_identity(application_id, indexes)  # before the case can be checked, so racing duplicates meet
    created = v.cases.insert({
        "_id": application_id, "state": states.CHECKING, "version": 1, **data, "received_at": at,
        "checks": [], "reasons": [], "decision": None, "documents": {},
        "application_events": [event_note], "applied_events": [envelope["event_id"]],
        "audit": [audit_entry(SYSTEM, "application_received", envelope["event_type"], at)],
    })
    if created:
        return
    reopened = v.cases.update_if(
        application_id, {"state": {"$in": list(states.OPEN)}, **guard},
        {"$set": {**data, "state": states.CHECKING}, "$inc": {"version": 1},
         "$push": {"application_events": event_note, "audit": audit_entry(SYSTEM, "application_amended", "", at),
                   **mark["$push"]}})
    if not reopened:
        v.cases.update_if(application_id, guard, {"$push": {
            "application_events": event_note, **mark["$push"],
            "audit": audit_entry(SYSTEM, "amendment_ignored", "the case was already decided or withdrawn", at)}})


def withdraw(v: Verification, envelope: dict) -> None:
    guard, mark = apply_once(envelope["event_id"])
    at = now()
    v.cases.update_if(envelope["key"], {"state": {"$in": list(states.OPEN)}, **guard},
                      {"$set": {"state": states.WITHDRAWN, "updated_at": at},
                       "$push": {"audit": audit_entry("applicant", "withdrawn", "", at), **mark["$push"]}})


def record_document(v: Verification, envelope: dict) -> None:
    payload = envelope["payload"]
    kind = payload.get("kind")
    if kind not in KINDS:
        raise InvalidMessage(f"unknown document kind {kind!r}")
    info = {"kind": kind, "content_type": payload.get("content_type"), "size": payload.get("size"),
            "uploaded_at": envelope["occurred_at"]}
    v.cases.update_if(envelope["key"], {}, {"$set": {f"documents.{kind}": info}})
