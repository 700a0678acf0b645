"""The delivery log: one document per (event, channel) in `notifications`, with its outbox.

Its id is "<event id>:<channel>", so a second delivery of an event finds the first one's
record and sends nothing. `status` moves

    pending ──claim──▶ sending ──▶ sent
                          │ ├────▶ failed      (refused for good, or past the give-up horizon)
                          │ ├────▶ retrying ──claim_due──▶ sending ──▶ …
                          │ └────▶ uncertain   (the send broke off after the message was handed over)
                          └──(claimed too long ago: a process died mid-send)──▶ uncertain

An operator's re-send is a record of its own, "<id>:resend-<n>", created as retrying (add_resend).

Every move is one conditional update on (id, status), so two processes can never both
claim a record, and a record moved on by one cannot be moved again by another.

A record that is not sent keeps the event's envelope (`envelope`; its personal data is
sealed under EVENT_PII_KEY), which is what a later attempt or an operator's re-send renders
the message from; sending it drops the envelope.

Finding due retries: FerretDB's SQLite backend uses no index but `_id`'s, so a query on
`status` and `next_attempt_at` reads the whole collection, too slow to run every second.
So, like the outbox's signals, every rescheduled record also has a small entry in
`notifications_due` ({_id: record id, at: next attempt}) and the scheduler reads those,
then claims the record by id with its real condition (status retrying and due). The entry
is written before the record is rescheduled and dropped once the record is claimed or
found to need it no longer, so an entry is never missing for a record waiting to be
retried, except where a crash falls between a claim and its outcome — which the stale
sweep (`mark_stale_sending_uncertain`) settles — or where a reschedule's write lands after
the scheduler already dropped the entry for a record still sending, or between a re-send's
record and its entry (add_resend); `resignal_retrying` (a full scan, run by the scheduler now
and then) puts such entries back.
"""
import datetime as dt
from collections.abc import Callable

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox
from servicekit.cursors import decode_cursor, encode_cursor  # noqa: F401 - the operators' API decodes with it

COLLECTION = "notifications"
DUE_COLLECTION = "notifications_due"
PENDING, SENDING, RETRYING, SENT, FAILED, UNCERTAIN = "pending", "sending", "retrying", "sent", "failed", "uncertain"
FINAL = (SENT, FAILED, UNCERTAIN)
RESENDABLE = (FAILED, UNCERTAIN)
_HIDDEN = {"outbox": 0, "revision": 0, "outbox_pending": 0, "envelope": 0}


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ResendNumberTaken(Exception):
    """Another request created the re-send with this number first (two re-sends asked at once)."""


class DeliveryLog:
    def __init__(self, db: Database):
        self.collection: Collection = db[COLLECTION]
        self.due: Collection = db[DUE_COLLECTION]
        self._candidates: list[dict] = []  # due entries read but not yet tried (claim_due)

    def ensure_indexes(self) -> None:
        """What each query needs (FerretDB v1 ignores all but `_id`'s; MongoDB uses them)."""
        outbox.ensure_indexes(self.collection)
        self.collection.create_index([("application_id", ASCENDING)])
        self.collection.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])  # due retries
        self.collection.create_index([("status", ASCENDING), ("claimed_at", ASCENDING)])  # stale sends
        self.collection.create_index([("status", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)])
        self.due.create_index([("at", ASCENDING)])

    # --- the worker's first attempt -------------------------------------------------------------

    def open(self, record_id: str, fields: dict, envelope: dict) -> dict:
        """The record for this event and channel, created as pending (with the event) the first time."""
        try:
            outbox.insert_with_events(self.collection, {
                "_id": record_id, "status": PENDING, "attempts": 0, "created_at": now(), "updated_at": now(),
                "envelope": envelope, **fields}, [])
        except DuplicateKeyError:
            pass
        return self.collection.find_one({"_id": record_id})

    def claim(self, record_id: str, at: dt.datetime) -> bool:
        """pending → sending; False when another process got there first."""
        return self._move(record_id, PENDING, {"status": SENDING, "claimed_at": at})

    # --- outcomes of an attempt (each from sending) ----------------------------------------------

    def mark_sent(self, record_id: str, provider_id: str, event: dict, at: dt.datetime) -> bool:
        """sending → sent, with NotificationSent in the outbox; the kept event is dropped."""
        moved = outbox.update_with_events(
            self.collection, {"_id": record_id, "status": SENDING},
            {"$set": {"status": SENT, "sent_at": at, "updated_at": at, "provider_id": provider_id,
                      "last_error": None},
             "$unset": {"envelope": "", "next_attempt_at": ""}, "$inc": {"attempts": 1}}, [event])
        self._drop_due(record_id)
        return moved

    def mark_failed(self, record_id: str, error: str, event: dict, at: dt.datetime, attempted: bool = True) -> bool:
        """sending → failed, with NotificationFailed in the outbox; the event is kept for a re-send.
        `attempted=False` when it was given up without a send (past the horizon, or nothing to
        send), so `attempts` still counts only sends tried."""
        update = {"$set": {"status": FAILED, "updated_at": at, "last_error": error[:500]},
                  "$unset": {"next_attempt_at": ""}}
        if attempted:
            update["$inc"] = {"attempts": 1}
        moved = outbox.update_with_events(self.collection, {"_id": record_id, "status": SENDING}, update, [event])
        self._drop_due(record_id)
        return moved

    def reschedule(self, record_id: str, next_attempt_at: dt.datetime, error: str) -> bool:
        """sending → retrying, due at `next_attempt_at` (its due entry is written first, see above)."""
        self.due.update_one({"_id": record_id}, {"$set": {"at": next_attempt_at}}, upsert=True)
        return outbox.update_with_events(
            self.collection, {"_id": record_id, "status": SENDING},
            {"$set": {"status": RETRYING, "next_attempt_at": next_attempt_at, "updated_at": now(),
                      "last_error": error[:500]}, "$inc": {"attempts": 1}}, [])

    def mark_uncertain(self, record_id: str, error: str, event: dict, at: dt.datetime,
                       attempts: int | None = None) -> bool:
        """sending → uncertain (it may have gone out; never sent again), with NotificationFailed.
        `attempts` narrows it to a record claimed for that attempt (0: the worker's first)."""
        query = {"_id": record_id, "status": SENDING}
        if attempts is not None:
            query["attempts"] = attempts
        moved = outbox.update_with_events(
            self.collection, query,
            {"$set": {"status": UNCERTAIN, "updated_at": at, "last_error": error[:500]},
             "$unset": {"next_attempt_at": ""}, "$inc": {"attempts": 1}}, [event])
        self._drop_due(record_id)
        return moved

    # --- the scheduler ---------------------------------------------------------------------------

    def claim_due(self, at: dt.datetime, look_at: int = 50) -> dict | None:
        """The earliest due retry, claimed (retrying → sending) in one atomic conditional update;
        None when nothing is due. Safe with several schedulers: a record claimed by one is not
        retrying any more, so the others' conditions do not match it.

        The due entries are read `look_at` at a time and remembered: reading them costs a scan of
        `notifications_due` on FerretDB, and a backlog after an outage must not pay it per record.
        A remembered entry that went stale meanwhile simply fails its claim's condition."""
        while True:
            if not self._candidates:
                self._candidates = list(self.due.find({"at": {"$lte": at}}).sort([("at", ASCENDING)]).limit(look_at))
                if not self._candidates:
                    return None
            entry = self._candidates.pop(0)
            record = self.collection.find_one_and_update(
                {"_id": entry["_id"], "status": RETRYING, "next_attempt_at": {"$lte": at}},
                {"$set": {"status": SENDING, "claimed_at": at, "updated_at": at}},
                return_document=ReturnDocument.AFTER)
            if record is not None:
                self.due.delete_one({"_id": entry["_id"], "at": entry["at"]})
                return record
            self._tidy_due_entry(entry)

    def _tidy_due_entry(self, entry: dict) -> None:
        """An entry whose record could not be claimed: follow a later due time, or drop it."""
        record = self.collection.find_one({"_id": entry["_id"]}, {"status": 1, "next_attempt_at": 1})
        if record is not None and record["status"] == RETRYING:
            self.due.update_one({"_id": entry["_id"], "at": entry["at"]}, {"$set": {"at": record["next_attempt_at"]}})
        else:
            self.due.delete_one({"_id": entry["_id"], "at": entry["at"]})

    def _drop_due(self, record_id: str) -> None:
        self.due.delete_one({"_id": record_id})

    def stale_sending(self, claimed_before: dt.datetime) -> list[dict]:
        """Records claimed before `claimed_before` and still sending (a full scan on FerretDB)."""
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
                    {"$set": {"status": UNCERTAIN, "updated_at": at,
                              "last_error": "the process sending it stopped during the send; not repeated"},
                     "$unset": {"next_attempt_at": ""}, "$inc": {"attempts": 1}}, [failed_event(record)]):
                self._drop_due(record["_id"])
                moved.append(record)
        return moved

    def resignal_retrying(self) -> int:
        """Put back the due entry of every retrying record that lacks one (a full scan); returns how many."""
        restored = 0
        for record in self.collection.find({"status": RETRYING}, {"next_attempt_at": 1}):
            if self.due.find_one({"_id": record["_id"]}) is None:
                self.due.update_one({"_id": record["_id"]}, {"$set": {"at": record["next_attempt_at"]}}, upsert=True)
                restored += 1
        return restored

    # --- operators -------------------------------------------------------------------------------

    def get(self, record_id: str) -> dict | None:
        return self.collection.find_one({"_id": record_id})

    def resends_of(self, record_id: str) -> list[dict]:
        """The re-sends of `record_id`, oldest first, found by their ids "<id>:resend-1", "-2", … up to
        the first missing one. Re-sends are numbered without gaps (add_resend), and a lookup by `_id`
        uses the only index FerretDB v1 uses — unlike a query on `resend_of`, a full scan — and
        it does not depend on the original's `resent_as`, the last write of a re-send."""
        found = []
        while (record := self.collection.find_one({"_id": resend_id(record_id, len(found) + 1)}, _HIDDEN)) is not None:
            found.append(record)
        return found

    def add_resend(self, original: dict, number: int, fields: dict, at: dt.datetime) -> dict:
        """Create re-send `number` of `original` ("<original id>:resend-<number>", the event and
        addressing copied, plus `fields`) as a retry due now, which the scheduler sends like any
        other; returns it. Raises ResendNumberTaken when that re-send exists already (another
        request made it first). Three writes, in an order a crash cannot turn into a lost request:
        the new record (its unique id is what serialises two requests), then its due entry (a
        crash before it: `resignal_retrying` puts it back), then the original's `resent_as` (a
        crash before it: `resends_of` and the listings find the re-send by its id anyway)."""
        new_id = resend_id(original["_id"], number)
        kept = {k: original[k] for k in ("application_id", "event_id", "event_type", "channel", "template",
                                         "language", "to", "envelope") if k in original}
        try:
            outbox.insert_with_events(self.collection, {
                "_id": new_id, "status": RETRYING, "attempts": 0, "next_attempt_at": at, "created_at": at,
                "updated_at": at, "resend_of": original["_id"], **kept, **fields}, [])
        except DuplicateKeyError:
            raise ResendNumberTaken(new_id) from None
        self.due.update_one({"_id": new_id}, {"$set": {"at": at}}, upsert=True)
        earlier = [resend_id(original["_id"], k) for k in range(1, number)]
        self.collection.update_one({"_id": original["_id"]}, {
            "$addToSet": {"resent_as": {"$each": [*earlier, new_id]}}, "$set": {"updated_at": at}})
        return self.get(new_id)

    def for_application(self, application_id: str) -> list[dict]:
        """Every record of an application, newest first; each original's `resent_as` lists all its
        re-sends found among them (so a crash before `resent_as` was written hides none)."""
        items = list(self.collection.find({"application_id": application_id}, _HIDDEN)
                     .sort([("created_at", DESCENDING)]))
        found: dict[str, list[str]] = {}
        for item in items:
            if item.get("resend_of"):
                found.setdefault(item["resend_of"], []).append(item["_id"])
        for item in items:
            _list_resends(item, found.get(item["_id"], []))
        return items

    def with_status(self, status: str, limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
        """Records in `status`, newest first, `limit` at a time; returns them and the next page's cursor.
        Each record's `resent_as` is completed from `resends_of` (one lookup by id per record)."""
        query: dict = {"status": status}
        if cursor:
            created_at, record_id = decode_cursor(cursor)
            query["$or"] = [{"created_at": {"$lt": created_at}}, {"created_at": created_at, "_id": {"$lt": record_id}}]
        items = list(self.collection.find(query, _HIDDEN).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
                     .limit(limit + 1))
        next_cursor = None
        if len(items) > limit:
            items = items[:limit]
            next_cursor = encode_cursor(items[-1]["created_at"], items[-1]["_id"])
        for item in items:
            _list_resends(item, [r["_id"] for r in self.resends_of(item["_id"])])
        return items, next_cursor

    def _move(self, record_id: str, from_status: str, fields: dict) -> bool:
        return self.collection.update_one({"_id": record_id, "status": from_status},
                                          {"$set": {"updated_at": now(), **fields}}).matched_count == 1


def resend_id(record_id: str, number: int) -> str:
    return f"{record_id}:resend-{number}"


def _list_resends(record: dict, found: list[str]) -> None:
    """Set `record["resent_as"]` to the ids it lists and those `found`, in re-send order."""
    ids = set(record.get("resent_as", [])) | set(found)
    if ids:
        record["resent_as"] = sorted(ids, key=lambda i: int(i.rsplit("-", 1)[1]))
