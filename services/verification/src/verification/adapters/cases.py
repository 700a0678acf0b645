"""Verification cases: one document per application in `cases`, with its checks, decision,
append-only audit log and outbox. Every change is one conditional write of that document,
its audit entry and the events it causes included (eventkit.outbox).

The queries each method issues are served by the indexes in adapters/indexes.py
(tests/integration/verification/test_query_plans.py runs `explain` on each).
"""
import datetime as dt

from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from eventkit import outbox
from eventkit.inbox import apply_once
from verification.adapters.queue_bounds import HEAD, QueueBounds
from verification.domain import case as states
from verification.domain.case import SYSTEM, Transition, audit_entry
from verification.domain.checks import FLAG
from verification.domain.information import next_due
from verification.domain.name_search import query_tokens, stored_tokens
from verification.domain.queue import ASSIGNED_TO_ME, UNASSIGNED, QueueFilter
from verification.domain.registration import Reminder

COLLECTION = "cases"
DUPLICATE_KEY = 11000
# What the worker needs of a case to check and decide it: not its logs, which only grow.
WORKING_FIELDS = {"audit": 0, "outbox": 0, "application_events": 0, "applied_events": 0}
QUEUE_FIELDS = {"public": 1, "state": 1, "reasons": 1, "received_at": 1, "updated_at": 1, "lease": 1,
                "decision.registration_number": 1}
HISTORY_FIELDS = {"state": 1, "received_at": 1, "decision.registration_number": 1}  # what the case view lists
SEARCH_INDEX = "search_tokens"  # declared in adapters/indexes.py
LEASE_INDEX = "live_leases"  # declared in adapters/indexes.py
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class CaseRepository:
    def __init__(self, db: Database):
        self.collection: Collection = db[COLLECTION]
        self.queue_bounds = QueueBounds()  # this process's bounds on the queue's pages (adapters/queue_bounds.py)

    def get(self, application_id: str) -> dict | None:
        return self.collection.find_one({"_id": application_id})

    def open(self, application_id: str, application: dict, event_note: dict, at: dt.datetime) -> dict | None:
        """A new case, waiting for its checks, from the application `event_note` delivered; the case,
        or None when it exists already (an earlier delivery or another event created it)."""
        case = _new_case(application_id, application, event_note, at)
        try:
            self.collection.insert_one(case)
        except DuplicateKeyError:
            return None
        return case

    def open_many(self, applications: list[tuple[str, dict, dict]], at: dt.datetime) -> dict[str, dict]:
        """`open` for several (application_id, application, event_note) in one unordered insert; the cases
        created, by id (an id whose case exists already, or repeated in the list, is not among them)."""
        cases = [_new_case(application_id, application, note, at) for application_id, application, note in applications]
        if not cases:
            return {}
        refused = set()
        try:
            self.collection.insert_many(cases, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if exc.details.get("writeConcernErrors") or any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            refused = {e["index"] for e in errors}
        return {case["_id"]: case for i, case in enumerate(cases) if i not in refused}

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

    def record_listing_preference(self, application_id: str, registration_number: str, listed: bool, event_id: str,
                                  audit: dict, event: dict) -> bool:
        """Keep the registrant's choice to appear in the public directory on the case holding
        `registration_number` (a later renewal's event carries it), with `event` (RegistrationUnlisted or
        RegistrationRelisted); once per intake event. False when nothing changed."""
        guard, mark = apply_once(event_id)
        return outbox.update_with_events(
            self.collection, {"_id": application_id, "decision.registration_number": registration_number, **guard},
            {"$set": {"public.listed": listed}, "$push": {"audit": audit, **mark["$push"]}}, [event])

    def erase(self, application_id: str, event_id: str, at: dt.datetime, event: dict, attempts: int = 5) -> bool:
        """Remove every personal field of the case (what the applicant filed, sealed or not, the blind indexes,
        the documents' and checks' details, the search tokens), keeping its state, decision and audit trail, with
        `event` (ErasureCompleted); the events it published before (the profile, the payer) are dropped from its
        outbox, those still waiting for the relay stay. Once per intake event. False when there is no case or it
        is erased already."""
        guard, mark = apply_once(event_id)
        for _ in range(attempts):
            current = self.collection.find_one({"_id": application_id, "erased_at": None, **guard},
                                               {"outbox": 1, "revision": 1})
            if current is None:
                return False
            update = outbox.replacing_sent_events(
                {"$set": {"erased_at": at, "public": ERASED_PUBLIC, "updated_at": at},
                 "$unset": {field: "" for field in ERASED_FIELDS},
                 "$push": {"audit": audit_entry(SYSTEM, "erased", "", at), **mark["$push"]}},
                current.get("outbox", []), [event])
            unchanged = {"_id": application_id, "erased_at": None, "revision": current.get("revision"), **guard}
            if self.collection.update_one(unchanged, update).matched_count == 1:
                return True
        raise RuntimeError(f"case {application_id}: its outbox kept changing during the erasure")

    def transition(self, change: Transition) -> bool:
        """Apply one state change with its reasons, audit entry, events (and checks, decision) in one write,
        only while the case is still in the state and at the version it was read at: a withdrawal or
        amendment that arrived meanwhile is never overruled by a decision on stale data."""
        query, update = _transition_update(change)
        return self.collection.update_one(query, update).matched_count == 1

    def transition_many(self, changes: list[Transition]) -> int:
        """`transition` for several cases in one unordered bulk write; how many were applied."""
        if not changes:
            return 0
        return self.collection.bulk_write([UpdateOne(*_transition_update(c)) for c in changes],
                                          ordered=False).matched_count

    def record_view(self, application_id: str, audit: dict, event: dict) -> dict | None:
        """Log a reviewer's look at the case, with `event` (RecordViewed: the applicant is told who looked), and
        return the case as it is now (one round trip); None if missing."""
        return self.collection.find_one_and_update({"_id": application_id},
                                                   outbox.with_events({"$push": {"audit": audit}}, [event]),
                                                   return_document=ReturnDocument.AFTER)

    def record_audit(self, application_id: str, audit: dict, event: dict) -> None:
        """Log a reviewer's look at one of the case's documents, with `event` (RecordViewed)."""
        self.collection.update_one({"_id": application_id}, outbox.with_events({"$push": {"audit": audit}}, [event]))

    def sharing_identity(self, application_id: str, indexes: dict) -> list[dict]:
        """The other cases with the same CNIC, email or mobile (blind indexes): `_id`, `indexes`, `state`."""
        return [case for case in self.sharing_any([indexes]) if case["_id"] != application_id]

    def sharing_any(self, indexes: list[dict]) -> list[dict]:
        """Every case (`_id`, `indexes`, `state`) under any of these CNIC, email or mobile blind indexes, in one
        query through the three `indexes.*` indexes (the callers leave out the cases they asked for)."""
        if not indexes:
            return []
        return list(self.collection.find({"$or": [{f"indexes.{field}": {"$in": sorted({i[field] for i in indexes})}}
                                                  for field in ("cnic", "email", "mobile")]},
                                         {"indexes": 1, "state": 1}))

    def queue(self, wanted: QueueFilter, limit: int, after: tuple | None = None) -> list[dict]:
        """Cases as `wanted` says, oldest first (the longest waiting); `after` = (received_at, id) of the previous
        page's last. A search goes through its own index (words: `search_tokens`; a CNIC: its blind index;
        a registration number: the number's), the rest through the (state, received_at, _id) index, bounded
        above where this process knows a bound that cannot change the answer (adapters/queue_bounds.py)."""
        hint = _search_index(wanted)
        if hint:
            # A search finds few cases through its own index; left to itself, DocumentDB's planner walked the
            # state index instead whenever a cursor or a single token was given (measured with `explain`).
            return self._page(wanted, after, limit).hint(hint).to_list()
        if after is None:
            bound = self.queue_bounds.first_page_bound(wanted)
        else:
            bound = self.queue_bounds.later_page_bound(wanted, after[0], limit)
        if bound is not None:
            page = self._page(wanted, after, limit, up_to=bound).to_list()
            if len(page) == limit:
                return page  # every case not read was received after the bound: after all of these
        head = self._page(wanted, after, limit * HEAD).to_list()
        self.queue_bounds.learn(wanted, head, first_page=after is None)
        return head[:limit]

    def _page(self, wanted: QueueFilter, after: tuple | None, limit: int, up_to: dt.datetime | None = None):
        query = queue_filter(wanted, after)
        if up_to is not None:
            query = {"$and": [query, {"received_at": {"$lte": up_to}}]}
        return (self.collection.find(query, QUEUE_FIELDS).sort([("received_at", ASCENDING), ("_id", ASCENDING)])
                .limit(limit))

    def count(self, wanted: QueueFilter) -> int:
        """How many cases `wanted` holds (the console's workload figures)."""
        hint = _search_index(wanted)
        return self.collection.count_documents(queue_filter(wanted, None), **({"hint": hint} if hint else {}))

    def count_claimed(self, states: tuple[str, ...], now: dt.datetime, reviewer: str | None = None) -> int:
        """How many cases in `states` a reviewer holds a live lease on (`reviewer`'s only, when given), through
        the sparse `live_leases` index: a handful, where counting the unclaimed ones read every waiting case."""
        query = {"lease.until": {"$gt": now}, "state": {"$in": list(states)}}
        if reviewer is not None:
            query["lease.reviewer"] = reviewer
        return self.collection.count_documents(query, hint=LEASE_INDEX)

    def claim(self, application_id: str, reviewable: tuple[str, ...], lease: dict, now: dt.datetime,
              audit: dict) -> bool:
        """Give `lease` to its reviewer, only while the case waits for a reviewer (`reviewable` states) and no
        other reviewer holds a live lease on it (their own lease is renewed). False otherwise."""
        return self.collection.update_one(
            {"_id": application_id, "state": {"$in": list(reviewable)}, **_free_for(lease["reviewer"], now)},
            {"$set": {"lease": lease}, "$push": {"audit": audit}}).matched_count == 1

    def release(self, application_id: str, reviewer: str, audit: dict) -> bool:
        """End `reviewer`'s lease on the case before its time; False when they held none."""
        return self.collection.update_one({"_id": application_id, "lease.reviewer": reviewer},
                                          {"$unset": {"lease": ""}, "$push": {"audit": audit}}).matched_count == 1

    def count_awaiting_second_admin(self) -> int:
        return self.collection.count_documents({"pending_action.requested_at": {"$gt": EPOCH}},
                                               hint="pending_action")

    def due_information_requests(self, now: dt.datetime, limit: int) -> list[dict]:
        """Cases waiting for their applicant with a reminder or the deadline due by `now`, the earliest first
        (the `due` index)."""
        return list(self.collection.find({"state": states.AWAITING_APPLICANT, "due_at": {"$lte": now}},
                                         WORKING_FIELDS).sort([("state", ASCENDING), ("due_at", ASCENDING)])
                    .limit(limit))

    def record_information_reminder(self, case: dict, audit: dict, event: dict) -> bool:
        """Note that the request's reminder went (`event`, through the outbox); the deadline is due next. Only
        while the case is as read (its state and `due_at`), so two schedulers send it once."""
        request = {**case["information_request"], "reminded_at": audit["at"]}
        return self.collection.update_one(
            {"_id": case["_id"], "state": case["state"], "due_at": case["due_at"]},
            outbox.with_events({"$set": {"information_request.reminded_at": audit["at"], "due_at": next_due(request),
                                         "updated_at": audit["at"]}, "$push": {"audit": audit}},
                               [event])).matched_count == 1

    def due_registrations(self, now: dt.datetime, limit: int) -> list[dict]:
        """Registrations with a reminder, their expiry or the end of their renewal grace period due by `now`,
        the longest due first (`due` index)."""
        return list(self.collection.find({"state": {"$in": list(states.SCHEDULED)}, "due_at": {"$lte": now}},
                                         WORKING_FIELDS).sort([("state", ASCENDING), ("due_at", ASCENDING)])
                    .limit(limit))

    def unscheduled_registrations(self, limit: int) -> list[dict]:
        """Live registrations issued before their expiry was scheduled (no `due_at`), through the `due` index."""
        return list(self.collection.find({"state": {"$in": list(states.LIVE_REGISTRATION)}, "due_at": None},
                                         {"decision": 1, "state": 1}).limit(limit))

    def schedule_expiry(self, case: dict, expires_at: dt.datetime, reminders: tuple[Reminder, ...]) -> bool:
        """Give a registration issued before expiry was scheduled its expiry and reminders (once)."""
        return self.collection.update_one({"_id": case["_id"], "state": case["state"], "due_at": None},
                                          {"$set": expiry_fields(expires_at, reminders)}).matched_count == 1

    def record_reminder(self, case: dict, remaining: tuple[Reminder, ...], audit: dict, event: dict) -> bool:
        """Note that the reminder due on the case was sent (`event`, through the outbox), leaving `remaining`;
        only while the case is still as read (its state and `due_at`), so two schedulers send it once."""
        update = {"$set": {**expiry_fields(case["expires_at"], remaining), "updated_at": audit["at"]},
                  "$push": {"audit": audit}}
        return self.collection.update_one({"_id": case["_id"], "state": case["state"], "due_at": case["due_at"]},
                                          outbox.with_events(update, [event])).matched_count == 1

    def record_grace_end(self, case: dict, audit: dict, event: dict) -> bool:
        """Note that the expired registration's renewal grace period ended (`event`, through the outbox): nothing
        more is due for it; only while the case is still as read, so two schedulers publish it once."""
        return self.collection.update_one({"_id": case["_id"], "state": case["state"], "due_at": case["due_at"]},
                                          outbox.with_events({"$set": {"due_at": None, "updated_at": audit["at"]},
                                                              "$push": {"audit": audit}}, [event])).matched_count == 1

    def record_action_request(self, case: dict, pending: dict, audit: dict) -> bool:
        """Keep a board action's request (domain.board_actions) on the case for a second admin, only while the
        case is still in the state read and no other request waits on it; whoever had claimed the case lets it go
        (the second reviewer decides it)."""
        return self.collection.update_one({"_id": case["_id"], "state": case["state"], "pending_action": None},
                                          {"$set": {"pending_action": pending}, "$unset": {"lease": ""},
                                           "$push": {"audit": audit}}).matched_count == 1

    def cancel_action_request(self, application_id: str, kind: str, audit: dict) -> bool:
        """Drop the request of `kind` waiting on the case; False when there was none."""
        return self.collection.update_one({"_id": application_id, "pending_action.kind": kind},
                                          {"$unset": {"pending_action": ""},
                                           "$push": {"audit": audit}}).matched_count == 1

    def awaiting_second_admin(self, limit: int) -> list[dict]:
        """Cases with a board action's request waiting for confirmation, the oldest request first
        (the sparse `pending_action` index: only those cases are in it)."""
        return list(self.collection.find({"pending_action.requested_at": {"$gt": EPOCH}},
                                         {**QUEUE_FIELDS, "pending_action": 1, "decision.registration_number": 1})
                    .sort([("pending_action.requested_at", ASCENDING)]).limit(limit))

    def same_identity(self, cnic_index: str, limit: int) -> list[dict]:
        """Every case under this CNIC's blind index (the person's applications and registrations), oldest first,
        with what a reviewer's history of them shows (`identity_cnic` index)."""
        return list(self.collection.find({"indexes.cnic": cnic_index}, HISTORY_FIELDS)
                    .sort([("received_at", ASCENDING), ("_id", ASCENDING)]).limit(limit))

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


def _new_case(application_id: str, application: dict, event_note: dict, at: dt.datetime) -> dict:
    return {"_id": application_id, "state": states.CHECKING, "version": 1, **_stored(application_id, application, at),
            "received_at": at, "checks": [], "reasons": [], "decision": None, "documents": {},
            "application_events": [event_note], "applied_events": [event_note["event_id"]],
            "audit": [audit_entry(SYSTEM, "application_received", event_note["event_type"], at)],
            **outbox.new_document_fields([])}


def _transition_update(change: Transition) -> tuple[dict, dict]:
    """(filter, update) of a state change: conditioned on the state and version read; events in the outbox."""
    changes = {"state": change.to_state, "reasons": change.reasons, "updated_at": change.audit["at"]}
    if change.checks is not None:
        changes["checks"] = change.checks
    if change.decision is not None:
        changes["decision"] = change.decision
    if change.expiry is not None:
        changes.update(expiry_fields(change.expiry.expires_at, change.expiry.reminders,
                                     expired=change.to_state == states.EXPIRED,
                                     grace_ends_at=change.expiry.grace_ends_at))
    if change.renewal is not None:
        changes["renewal"] = change.renewal
    if change.information_request is not None:
        changes["information_request"] = change.information_request
        settled = change.information_request.get("answered_at") or change.information_request.get("lapsed_at")
        changes["due_at"] = None if settled else next_due(change.information_request)
    case = change.case
    query = {"_id": case["_id"], "state": case["state"], "version": case["version"]}
    update = {"$set": changes, "$push": {"audit": change.audit}}
    if change.confirms is not None:
        query.update({"pending_action.kind": change.confirms["kind"],
                      "pending_action.requested_at": change.confirms["requested_at"]})
        update["$unset"] = {"pending_action": ""}
    if change.decided_by_reviewer is not None:  # the decision ends any claim and any request on the case
        query.update(_free_for(change.decided_by_reviewer, change.audit["at"]))
        update.setdefault("$unset", {}).update(lease="", pending_action="")
    return query, outbox.with_events(update, change.events) if change.events else update


def expiry_fields(expires_at: dt.datetime, reminders: tuple[Reminder, ...], expired: bool = False,
                  grace_ends_at: dt.datetime | None = None) -> dict:
    """A registration's `expires_at`, the reminders still to send, and `due_at`: when the scheduler next has
    something to do for it (the next reminder, else the expiry; once expired, the end of its renewal grace
    period, or None when that is passed or unknown), under the `due` index."""
    return {"expires_at": expires_at,
            "reminders": [{"days_before": r.days_before, "at": r.at} for r in reminders],
            "due_at": grace_ends_at if expired else (reminders[0].at if reminders else expires_at)}


def queue_filter(wanted: QueueFilter, after: tuple | None) -> dict:
    """The queue's filter: the states and the search, the filters, and the page's start."""
    conditions: list[dict] = [{"state": {"$in": list(wanted.states)}}]
    if wanted.cnic_index:
        conditions.append({"indexes.cnic": wanted.cnic_index})
    elif wanted.registration_number:
        conditions.append({"decision.registration_number": wanted.registration_number})
    elif wanted.words:
        tokens = query_tokens(wanted.words)
        conditions.append({"search_tokens": {"$all": tokens}} if tokens else {"_id": wanted.words})
    if wanted.flag:
        conditions.append({"checks": {"$elemMatch": {"check": wanted.flag, "outcome": FLAG}}})
    if wanted.province:
        conditions.append({"public.province": wanted.province})
    if wanted.received_before is not None:
        conditions.append({"received_at": {"$lte": wanted.received_before}})
    if wanted.assigned == ASSIGNED_TO_ME:
        conditions.append({"lease.reviewer": wanted.reviewer, "lease.until": {"$gt": wanted.now}})
    elif wanted.assigned == UNASSIGNED:
        conditions.append({"$or": [{"lease": None}, {"lease.until": {"$lte": wanted.now}}]})
    if after is not None:
        received_at, case_id = after
        # the $gte repeats what the $or says, as a range the index can start the page from
        conditions.append({"received_at": {"$gte": received_at}})
        conditions.append({"$or": [{"received_at": {"$gt": received_at}},
                                   {"received_at": received_at, "_id": {"$gt": case_id}}]})
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _search_index(wanted: QueueFilter) -> str | None:
    """The index a search is served by (hinted), or None for the queue's own."""
    if wanted.cnic_index:
        return "identity_cnic"
    if wanted.registration_number:
        return "registration_number"
    if wanted.words and query_tokens(wanted.words):
        return SEARCH_INDEX
    return None


def _free_for(reviewer: str, now: dt.datetime) -> dict:
    """The condition that no reviewer but `reviewer` holds a live lease on the case at `now`."""
    return {"$or": [{"lease": None}, {"lease.until": {"$lte": now}}, {"lease.reviewer": reviewer}]}


# what an erased case keeps in place of the applicant's public profile (the console's lists still render it)
ERASED_PUBLIC = {"full_name": "", "city": "", "province": "", "skills": [], "platforms": [], "headline": "",
                 "listed": False}
ERASED_FIELDS = ("sealed", "contact", "payer", "indexes", "search_tokens", "documents", "checks", "information_request",
                 "renewal", "pending_action", "lease")


def _stored(application_id: str, application: dict, at: dt.datetime) -> dict:
    """The application's fields as a case stores them, with the tokens the queue's search uses."""
    return {"public": application["public"], "sealed": application["sealed"], "contact": application.get("contact"),
            "payer": application.get("payer"),
            "language": application.get("language", "en"), "indexes": application["indexes"],
            "search_tokens": stored_tokens(application_id, application["public"]["full_name"]), "updated_at": at}
