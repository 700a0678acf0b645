"""Verification cases: one document per application in `cases`, with its checks, decision,
append-only audit log and outbox. Every change is one conditional write of that document,
its audit entry and the events it causes included (eventkit.outbox).

The queries each method issues are served by the indexes in adapters/indexes.py
(tests/integration/verification/test_query_plans.py runs `explain` on each).
"""
import datetime as dt

from pymongo import ASCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox
from eventkit.inbox import apply_once
from verification.domain import case as states
from verification.domain.case import SYSTEM, audit_entry
from verification.domain.name_search import query_tokens, stored_tokens

COLLECTION = "cases"
# What the worker needs of a case to check and decide it: not its logs, which only grow.
WORKING_FIELDS = {"audit": 0, "outbox": 0, "application_events": 0, "applied_events": 0}
QUEUE_FIELDS = {"public": 1, "state": 1, "reasons": 1, "received_at": 1, "updated_at": 1}
SEARCH_INDEX = "search_tokens"  # declared in adapters/indexes.py


class CaseRepository:
    def __init__(self, db: Database):
        self.collection: Collection = db[COLLECTION]

    def get(self, application_id: str) -> dict | None:
        return self.collection.find_one({"_id": application_id})

    def open(self, application_id: str, application: dict, event_note: dict, at: dt.datetime) -> dict | None:
        """A new case, waiting for its checks, from the application `event_note` delivered; the case,
        or None when it exists already (an earlier delivery or another event created it)."""
        case = {"_id": application_id, "state": states.CHECKING, "version": 1, **_stored(application_id, application, at),
                "received_at": at, "checks": [], "reasons": [], "decision": None, "documents": {},
                "application_events": [event_note], "applied_events": [event_note["event_id"]],
                "audit": [audit_entry(SYSTEM, "application_received", event_note["event_type"], at)],
                **outbox.new_document_fields([])}
        try:
            self.collection.insert_one(case)
        except DuplicateKeyError:
            return None
        return case

    def reopen(self, application_id: str, application: dict, event_note: dict, at: dt.datetime) -> dict | None:
        """Replace an open case's application by the amended one and check it again (`version` goes up, so a
        decision prepared on the old data no longer applies); once per event. The case as it is now (without
        its logs), or None when the case is missing, decided, withdrawn, or already has this event."""
        guard, mark = apply_once(event_note["event_id"])
        return self.collection.find_one_and_update(
            {"_id": application_id, "state": {"$in": list(states.OPEN)}, **guard},
            {"$set": {**_stored(application_id, application, at), "state": states.CHECKING}, "$inc": {"version": 1},
             "$push": {"application_events": event_note, "audit": audit_entry(SYSTEM, "application_amended", "", at),
                       **mark["$push"]}},
            projection=WORKING_FIELDS, return_document=ReturnDocument.AFTER)

    def note_ignored_amendment(self, application_id: str, event_note: dict, at: dt.datetime) -> bool:
        """Log an amendment that came after the decision (or withdrawal); once per event."""
        guard, mark = apply_once(event_note["event_id"])
        return self.collection.update_one({"_id": application_id, **guard}, {"$push": {
            "application_events": event_note, **mark["$push"],
            "audit": audit_entry(SYSTEM, "amendment_ignored", "the case was already decided or withdrawn", at)},
        }).matched_count == 1

    def withdraw(self, application_id: str, event_id: str, at: dt.datetime) -> bool:
        """Close an open case at the applicant's request; once per event. False when it was not open."""
        guard, mark = apply_once(event_id)
        return self.collection.update_one(
            {"_id": application_id, "state": {"$in": list(states.OPEN)}, **guard},
            {"$set": {"state": states.WITHDRAWN, "updated_at": at},
             "$push": {"audit": audit_entry("applicant", "withdrawn", "", at), **mark["$push"]}}).matched_count == 1

    def record_document(self, application_id: str, document: dict) -> bool:
        """Note (or replace) the upload of one kind of document on the case."""
        return self.collection.update_one({"_id": application_id},
                                          {"$set": {f"documents.{document['kind']}": document}}).matched_count == 1

    def transition(self, case: dict, to_state: str, *, reasons: list[str], audit: dict, events: list[dict],
                   checks: list[dict] | None = None, decision: dict | None = None) -> bool:
        """Move the case to `to_state` with its reasons, audit entry, events (and checks, decision) in one
        write, only while it is still in the state and at the version `case` was read at: a withdrawal or
        amendment that arrived meanwhile is never overruled by a decision on stale data."""
        changes = {"state": to_state, "reasons": reasons, "updated_at": audit["at"]}
        if checks is not None:
            changes["checks"] = checks
        if decision is not None:
            changes["decision"] = decision
        return outbox.update_with_events(self.collection,
                                         {"_id": case["_id"], "state": case["state"], "version": case["version"]},
                                         {"$set": changes, "$push": {"audit": audit}}, events)

    def record_view(self, application_id: str, audit: dict) -> dict | None:
        """Log a reviewer's look at the case and return the case as it is now (one round trip); None if missing."""
        return self.collection.find_one_and_update({"_id": application_id}, {"$push": {"audit": audit}},
                                                   return_document=ReturnDocument.AFTER)

    def record_audit(self, application_id: str, audit: dict) -> None:
        self.collection.update_one({"_id": application_id}, {"$push": {"audit": audit}})

    def sharing_identity(self, application_id: str, indexes: dict) -> list[dict]:
        """The other cases with the same CNIC, email or mobile (blind indexes): `_id`, `indexes`, `state`.
        One query, through the three `indexes.*` indexes; the case itself is left out here rather than in
        the filter, which keeps the plan to those three index scans."""
        found = self.collection.find({"$or": [{"indexes.cnic": indexes["cnic"]},
                                              {"indexes.email": indexes["email"]},
                                              {"indexes.mobile": indexes["mobile"]}]},
                                     {"indexes": 1, "state": 1})
        return [case for case in found if case["_id"] != application_id]

    def queue(self, states_wanted: list[str], limit: int, after: tuple | None = None,
              name_or_id: str | None = None) -> list[dict]:
        """Cases in these states, oldest first; `after` = (received_at, id) of the previous page's last;
        `name_or_id` keeps the case with that application id and those whose applicant's name has words
        starting with each of its words (domain.name_search: one multikey index serves both)."""
        found = (self.collection.find(queue_filter(states_wanted, after, name_or_id), QUEUE_FIELDS)
                 .sort([("received_at", ASCENDING), ("_id", ASCENDING)]).limit(limit))
        if name_or_id and query_tokens(name_or_id):
            # A search finds few cases through its tokens; left to itself, DocumentDB's planner walked the
            # state index instead whenever a cursor or a single token was given (measured with `explain`).
            found = found.hint(SEARCH_INDEX)
        return list(found)

    def fill_missing_search_tokens(self, batch: int = 500) -> int:
        """Give the cases stored before `search_tokens` existed their tokens, so the queue's search finds
        them; how many were filled. Cheap when none are missing (an index lookup)."""
        filled = 0
        while True:
            missing = list(self.collection.find({"search_tokens": {"$exists": False}}, {"public.full_name": 1})
                           .limit(batch))
            for case in missing:
                self.collection.update_one(
                    {"_id": case["_id"], "search_tokens": {"$exists": False}},
                    {"$set": {"search_tokens": stored_tokens(case["_id"], case["public"]["full_name"])}})
            filled += len(missing)
            if len(missing) < batch:
                return filled


def queue_filter(states_wanted: list[str], after: tuple | None, name_or_id: str | None) -> dict:
    """The queue's filter: bounded by the (state, received_at, _id) index, or with a search by `search_tokens`."""
    conditions: list[dict] = [{"state": {"$in": states_wanted}}]
    if name_or_id:
        tokens = query_tokens(name_or_id)
        conditions.append({"search_tokens": {"$all": tokens}} if tokens else {"_id": name_or_id})
    if after is not None:
        received_at, case_id = after
        conditions.append({"$or": [{"received_at": {"$gt": received_at}},
                                   {"received_at": received_at, "_id": {"$gt": case_id}}]})
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _stored(application_id: str, application: dict, at: dt.datetime) -> dict:
    """The application's fields as a case stores them, with the tokens the queue's search uses."""
    return {"public": application["public"], "sealed": application["sealed"],
            "language": application.get("language", "en"), "indexes": application["indexes"],
            "search_tokens": stored_tokens(application_id, application["public"]["full_name"]), "updated_at": at}
