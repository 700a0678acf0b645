"""The delivery log: one document per delivery in `notifications`, each with its outbox.

The statuses and ids are the domain's (domain/deliveries.py). Every move is one conditional
update on (id, status), so two processes can never both claim a record, and a record moved on
by one cannot be moved again by another. The events a move causes (NotificationSent,
NotificationFailed) are stored in the same write, in the record's outbox (eventkit.outbox).

A record that is not sent keeps the event's envelope (`envelope`; its personal data is
sealed under EVENT_PII_KEY), which is what a later attempt or an operator's re-send renders
the message from; sending it drops the envelope.

Every record is made with a `purge_at` (its creation plus DELIVERY_LOG_DAYS), and the server deletes it then
(the TTL index in adapters/indexes.py). Records made by versions before that have none and are kept, as they
were before; nothing depends on them going. An erased application's records are all deleted at once
(`delete_for_application`).

Every query here is served by an index declared in adapters/indexes.py (checked with
`explain` by tests/integration/notification/test_query_plans.py).
"""
import datetime as dt
from collections.abc import Callable

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, OperationFailure

from eventkit import outbox
from eventkit.upserts import upsert_by_id
from notification.domain.deliveries import (FAILED, PENDING, RETRYING, SENDING, SENT, UNCERTAIN, ResendNumberTaken,
                                            resend_id, resend_number)

COLLECTION = "notifications"
HIDDEN = {"outbox": 0, "revision": 0, "outbox_pending": 0, "envelope": 0}  # not for operators' eyes
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]
# DocumentDB answers "deadlock detected" (code 112, MongoDB's WriteConflict) now and then when two
# schedulers' sorted claims meet (measured: about 1 claim in 600 with six claiming at once); MongoDB
# retries such a conflict itself. Nothing was written, so the claim is simply asked again.
WRITE_CONFLICT = 112
CLAIM_ATTEMPTS = 3
STALE_SEND_ERROR = "the process sending it stopped during the send; not repeated"
KEPT_FOR = dt.timedelta(days=90)  # DELIVERY_LOG_DAYS' default


class DeliveryLog:
    """The delivery records and their moves (see the module's docstring)."""

    def __init__(self, db: Database, kept_for: dt.timedelta = KEPT_FOR):
        self.collection: Collection = db[COLLECTION]
        self.kept_for = kept_for  # DELIVERY_LOG_DAYS: a record's `purge_at` is its creation plus this

    # --- the worker's first attempt -------------------------------------------------------------

    def open_claimed(self, record_id: str, fields: dict, envelope: dict, at: dt.datetime) -> tuple[dict, bool]:
        """Create the record `record_id` already claimed (`sending`, keeping `envelope`) and return it with
        True; or, when it exists (the event came again), return it as it is with False. One round trip
        for a new record (the usual case), two for an existing one."""
        created = {"status": SENDING, "attempts": 0, "created_at": at, "updated_at": at, "claimed_at": at,
                   "purge_at": at + self.kept_for, "envelope": envelope, **fields, **outbox.new_document_fields([])}
        result = upsert_by_id(self.collection, record_id, {"$setOnInsert": created})
        if result.upserted_id is not None:
            return {"_id": record_id, **created}, True
        return self.collection.find_one({"_id": record_id}), False

    def claim_pending(self, record_id: str, at: dt.datetime) -> bool:
        """pending → sending; False when another process got there first. (Records are created claimed
        now; `pending` ones were left by versions that opened and claimed in two writes.)"""
        return self.collection.update_one(
            {"_id": record_id, "status": PENDING},
            {"$set": {"status": SENDING, "claimed_at": at, "updated_at": at}}).matched_count == 1

    # --- outcomes of an attempt (each from sending) ----------------------------------------------

    def mark_sent(self, record_id: str, provider_id: str, event: dict, at: dt.datetime) -> bool:
        """sending → sent, with `event` (NotificationSent) in the outbox; the kept envelope is dropped."""
        return outbox.update_with_events(
            self.collection, {"_id": record_id, "status": SENDING},
            {"$set": {"status": SENT, "sent_at": at, "updated_at": at, "provider_id": provider_id,
                      "last_error": None},
             "$unset": {"envelope": "", "next_attempt_at": ""}, "$inc": {"attempts": 1}}, [event])

    def mark_failed(self, record_id: str, error: str, event: dict, at: dt.datetime, attempted: bool = True) -> bool:
        """sending → failed, with `event` (NotificationFailed) in the outbox; the envelope is kept for a
        re-send. `attempted=False` when it was given up without a send (past the horizon, or nothing
        to send), so `attempts` still counts only sends tried."""
        update = {"$set": {"status": FAILED, "updated_at": at, "last_error": error[:500]},
                  "$unset": {"next_attempt_at": ""}}
        if attempted:
            update["$inc"] = {"attempts": 1}
        return outbox.update_with_events(self.collection, {"_id": record_id, "status": SENDING}, update, [event])

    def reschedule(self, record_id: str, next_attempt_at: dt.datetime, error: str, at: dt.datetime) -> bool:
        """sending → retrying, due at `next_attempt_at` (claim_due finds it through the `due` index)."""
        return self.collection.update_one(
            {"_id": record_id, "status": SENDING},
            {"$set": {"status": RETRYING, "next_attempt_at": next_attempt_at, "updated_at": at,
                      "last_error": error[:500]}, "$inc": {"attempts": 1}}).matched_count == 1

    def mark_uncertain(self, record_id: str, error: str, event: dict, at: dt.datetime,
                       attempts: int | None = None) -> bool:
        """sending → uncertain (it may have gone out; never sent again), with `event` (NotificationFailed).
        `attempts` narrows it to a record claimed for that attempt (0: the worker's first)."""
        query = {"_id": record_id, "status": SENDING}
        if attempts is not None:
            query["attempts"] = attempts
        return outbox.update_with_events(
            self.collection, query,
            {"$set": {"status": UNCERTAIN, "updated_at": at, "last_error": error[:500]},
             "$unset": {"next_attempt_at": ""}, "$inc": {"attempts": 1}}, [event])

    # --- the scheduler ---------------------------------------------------------------------------

    def claim_due(self, at: dt.datetime) -> dict | None:
        """The earliest retry due by `at`, claimed (retrying → sending) in one atomic conditional
        update and returned; None when nothing is due. Safe with several schedulers: a record
        claimed by one is not retrying any more, so the others' conditions do not match it."""
        for attempt in range(CLAIM_ATTEMPTS):
            try:
                return self.collection.find_one_and_update(
                    {"status": RETRYING, "next_attempt_at": {"$lte": at}},
                    {"$set": {"status": SENDING, "claimed_at": at, "updated_at": at}},
                    sort=[("next_attempt_at", ASCENDING)], return_document=ReturnDocument.AFTER)
            except OperationFailure as exc:
                if exc.code != WRITE_CONFLICT or attempt == CLAIM_ATTEMPTS - 1:
                    raise
        return None

    def stale_sending(self, claimed_before: dt.datetime) -> list[dict]:
        """Records still sending that were claimed before `claimed_before` (or, written before claims
        were timed, last updated before it)."""
        return list(self.collection.find({"status": SENDING, "$or": [
            {"claimed_at": {"$lt": claimed_before}},
            {"claimed_at": {"$exists": False}, "updated_at": {"$lt": claimed_before}}]}))

    def mark_stale_sending_uncertain(self, claimed_before: dt.datetime, failed_event: Callable[[dict], dict],
                                     at: dt.datetime) -> list[dict]:
        """Every record still sending since before `claimed_before` (the process sending it died)
        → uncertain, each with `failed_event(record)` in its outbox; returns the records moved."""
        moved = []
        for record in self.stale_sending(claimed_before):
            claimed = {"claimed_at": record["claimed_at"]} if "claimed_at" in record else {}
            if outbox.update_with_events(
                    self.collection, {"_id": record["_id"], "status": SENDING, **claimed},
                    {"$set": {"status": UNCERTAIN, "updated_at": at, "last_error": STALE_SEND_ERROR},
                     "$unset": {"next_attempt_at": ""}, "$inc": {"attempts": 1}}, [failed_event(record)]):
                moved.append(record)
        return moved

    # --- operators -------------------------------------------------------------------------------

    def get(self, record_id: str) -> dict | None:
        """The whole record, envelope included (what a re-send is made from)."""
        return self.collection.find_one({"_id": record_id})

    def resends_of(self, record_id: str) -> list[dict]:
        """The re-sends of `record_id`, oldest first, found by their `resend_of` — not through the
        original's `resent_as`, which is a re-send's last write and may be missing after a crash."""
        return sorted(self.collection.find({"resend_of": record_id}, HIDDEN),
                      key=lambda r: resend_number(r["_id"]))

    def add_resend(self, original: dict, number: int, fields: dict, at: dt.datetime) -> dict:
        """Create re-send `number` of `original` ("<original id>:resend-<number>", the event and
        addressing copied, plus `fields`) as a retry due now, which the scheduler sends like any
        other; returns it. Raises ResendNumberTaken when that re-send exists already (another
        request made it first). Two writes, in an order a crash cannot turn into a lost request:
        the new record (its unique id is what serialises two requests), then the original's
        `resent_as` (a crash before it: `resends_of` and the listings find the re-send anyway)."""
        new_id = resend_id(original["_id"], number)
        kept = {k: original[k] for k in ("application_id", "event_id", "event_type", "channel", "template",
                                         "language", "to", "envelope") if k in original}
        record = {"_id": new_id, "status": RETRYING, "attempts": 0, "next_attempt_at": at, "created_at": at,
                  "updated_at": at, "purge_at": at + self.kept_for, "resend_of": original["_id"], **kept, **fields,
                  **outbox.new_document_fields([])}
        try:
            self.collection.insert_one(record)
        except DuplicateKeyError:
            raise ResendNumberTaken(new_id) from None
        earlier = [resend_id(original["_id"], k) for k in range(1, number)]
        self.collection.update_one({"_id": original["_id"]}, {
            "$addToSet": {"resent_as": {"$each": [*earlier, new_id]}}, "$set": {"updated_at": at}})
        return self.collection.find_one({"_id": new_id}, HIDDEN)

    def for_application(self, application_id: str) -> list[dict]:
        """Every record of an application, newest first; each original's `resent_as` lists all its
        re-sends found among them (so a crash before `resent_as` was written hides none)."""
        items = list(self.collection.find({"application_id": application_id}, HIDDEN).sort(NEWEST_FIRST))
        found: dict[str, list[str]] = {}
        for item in items:
            if item.get("resend_of"):
                found.setdefault(item["resend_of"], []).append(item["_id"])
        for item in items:
            _list_resends(item, found.get(item["_id"], []))
        return items

    def with_status(self, status: str, limit: int, after: tuple[dt.datetime, str] | None = None) -> list[dict]:
        """Up to `limit` records in `status`, newest first, starting after the (created_at, id) `after`
        (the last record of the previous page). Each record's `resent_as` is completed from the
        re-sends that name it (one query for the page)."""
        query: dict = {"status": status}
        if after:
            created_at, record_id = after
            # created_at ≤ t bounds the index scan; the $or keeps ties on t after the id
            query["created_at"] = {"$lte": created_at}
            query["$or"] = [{"created_at": {"$lt": created_at}}, {"_id": {"$lt": record_id}}]
        items = list(self.collection.find(query, HIDDEN).sort(NEWEST_FIRST).limit(limit))
        found: dict[str, list[str]] = {}
        if items:
            for resend in self.collection.find({"resend_of": {"$in": [i["_id"] for i in items]}},
                                               {"resend_of": 1}):
                found.setdefault(resend["resend_of"], []).append(resend["_id"])
        for item in items:
            _list_resends(item, found.get(item["_id"], []))
        return items

    # --- erasure ---------------------------------------------------------------------------------

    def delete_for_application(self, application_id: str) -> int:
        """Delete every record of an application (its data was erased: ApplicationErased), re-sends included;
        how many. One delete through the `application_id` index. An event still in a record's outbox goes with
        it: nobody reads notification.events, and what it reported is gone."""
        return self.collection.delete_many({"application_id": application_id}).deleted_count


def _list_resends(record: dict, found: list[str]) -> None:
    """Set `record["resent_as"]` to the ids it lists and those `found`, in re-send order."""
    ids = set(record.get("resent_as", [])) | set(found)
    if ids:
        record["resent_as"] = sorted(ids, key=resend_number)
