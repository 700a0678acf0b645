"""Where applications live: one document per application in intake's `applications` collection,
carrying its own outbox (eventkit.outbox) and, while it holds the applicant's CNIC, its claim.

The claim: an application whose status holds the CNIC (domain.application.HOLDS_CNIC) carries
`cnic_claim`, the CNIC's blind index, under a unique sparse index (adapters/indexes.py); the
write that withdraws or rejects it removes the field. So a submission is ONE insert that
either stores the application, its claim and its ApplicationSubmitted event together, or is
refused by the index and stores nothing: a CNIC can be held by one application at a time
with no second write to undo. `cnic_index` keeps the blind index for good (also after the
claim is released), so the re-key finds it.

The `meta` collection's `cnic_index_recipe` document says how the stored indexes and claims are
made (see service_layer/cnic_index.py). Earlier versions kept the claims in a `cnic_claims`
collection of their own; the re-key moves them into the applications and drops it.
"""
import datetime as dt
import logging

from bson import MinKey
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox
from eventkit.inbox import apply_once
from eventkit.upserts import upsert_by_id
from intake.domain.application import (AWAITING_PAYMENT, CHANGED_MEANWHILE, CLAIM_CONFLICT, CLAIM_MOVED, HOLDS_CNIC,
                                       IN_FORCE, INDEX_MOVED, OPEN, DuplicateCnic)

COLLECTION = "applications"
META = "meta"
LEGACY_CLAIMS = "cnic_claims"  # where versions before the `cnic_claim` field kept claims; dropped by the re-key
LEGACY_INDEX = "cnic_index_1"  # their index on `cnic_index`, unused since; dropped by the re-key
CNIC_INDEX_RECIPE = "cnic_index_recipe"  # the meta document: {_id, version, stamped_at, how}
CLAIM_INDEX = "cnic_claim"  # the unique index on `cnic_claim` (adapters/indexes.py)
log = logging.getLogger(__name__)

_HOLDING = {"status": {"$in": list(HOLDS_CNIC)}}
_NOT_HOLDING = {"status": {"$nin": list(HOLDS_CNIC)}}
_OPEN = {"status": {"$in": list(OPEN)}}


def violates_claim(error: DuplicateKeyError) -> bool:
    """Whether a duplicate key is another application's CNIC claim (not, say, an `_id`).

    MongoDB names the index in `keyPattern` and in the message; DocumentDB in the message only."""
    details = error.details or {}
    if "keyPattern" in details:
        return "cnic_claim" in details["keyPattern"]
    return f"'{CLAIM_INDEX}'" in details.get("errmsg", "") or f"index: {CLAIM_INDEX} " in details.get("errmsg", "")


class ApplicationRepository:
    def __init__(self, db: Database):
        self.applications: Collection = db[COLLECTION]
        self.meta: Collection = db[META]
        self.database = db

    # What applicants and verification's decisions do.

    def get(self, application_id: str, projection: dict | None = None) -> dict | None:
        return self.applications.find_one({"_id": application_id}, projection)

    def exists(self, application_id: str) -> bool:
        return self.applications.find_one({"_id": application_id}, {"_id": 1}) is not None

    def add(self, application: dict, events: list[dict]) -> None:
        """Store a new application, its claim on `application["cnic_index"]` and its first events in one write;
        DuplicateCnic (nothing stored) when an application that holds the CNIC exists."""
        document = {**application, "cnic_claim": application["cnic_index"], **outbox.new_document_fields(events)}
        try:
            self.applications.insert_one(document)
        except DuplicateKeyError as exc:
            if violates_claim(exc):
                raise DuplicateCnic() from None
            raise

    def amend(self, application_id: str, revision: int, changes: dict, timeline_entry: dict,
              event: dict) -> dict | None:
        """Replace an open application's filed data (`changes`: public, pii, language, status, updated_at) if it is
        still at `revision`, append to its timeline and store `event`; the application after it, or None."""
        return self.applications.find_one_and_update(
            {"_id": application_id, "revision": revision, **_OPEN},
            outbox.with_events({"$set": changes, "$push": {"timeline": timeline_entry}}, [event]),
            return_document=ReturnDocument.AFTER)

    def withdraw(self, application_id: str, at: dt.datetime, timeline_entry: dict, event: dict) -> dict | None:
        """Withdraw an open application and release its CNIC claim, with `event`; its status and time after it,
        or None when it was not open."""
        return self.applications.find_one_and_update(
            {"_id": application_id, **_OPEN},
            outbox.with_events({"$set": {"status": timeline_entry["status"], "updated_at": at},
                                "$unset": {"cnic_claim": ""},
                                "$push": {"timeline": timeline_entry}}, [event]),
            projection={"status": 1, "updated_at": 1}, return_document=ReturnDocument.AFTER)

    def request_withdrawal(self, application_id: str, at: dt.datetime, timeline_entry: dict,
                           event: dict) -> dict | None:
        """Note that the applicant asked to withdraw an application whose fee is due, with `event`, once (the
        status stays until payments cancels the voucher); its status and time, or None when its fee is not
        due or the withdrawal was asked for already."""
        return self.applications.find_one_and_update(
            {"_id": application_id, "status": AWAITING_PAYMENT, "withdrawal_requested_at": None},
            outbox.with_events({"$set": {"withdrawal_requested_at": at, "updated_at": at},
                                "$push": {"timeline": timeline_entry}}, [event]),
            projection={"status": 1, "updated_at": 1}, return_document=ReturnDocument.AFTER)

    def record_document(self, application_id: str, info: dict, event: dict) -> bool:
        """Note an uploaded document (`info`: kind, content type, size, time) on an open application, with `event`."""
        return outbox.update_with_events(
            self.applications, {"_id": application_id, **_OPEN},
            {"$set": {f"documents.{info['kind']}": info, "updated_at": info["uploaded_at"]}}, [event])

    def record_requested_document(self, application_id: str, info: dict, request_event_id: str, outstanding: list[str],
                                  timeline_entry: dict | None, events: list[dict]) -> bool:
        """Note an uploaded document that the reviewer's waiting request (the one `request_event_id` brought) asked
        for, leaving `outstanding`; with `timeline_entry` the request is answered by it. Only while that request
        still waits on the open application; with `events`."""
        update = {"$set": {f"documents.{info['kind']}": info, "updated_at": info["uploaded_at"],
                           "information_request.outstanding": outstanding}}
        if timeline_entry is not None:
            update["$set"]["information_request.answered_at"] = timeline_entry["at"]
            update["$push"] = {"timeline": timeline_entry}
        return outbox.update_with_events(
            self.applications, {"_id": application_id, **_OPEN, "information_request.event_id": request_event_id,
                                "information_request.answered_at": None}, update, events)

    def record_look(self, application_id: str, look: dict, keep: int) -> bool:
        """Keep a look at the record ({event_id, role, what, at}), the latest `keep` only; once per event."""
        return self.applications.update_one(
            {"_id": application_id, "looks.event_id": {"$ne": look["event_id"]}},
            {"$push": {"looks": {"$each": [look], "$slice": -keep}}}).modified_count == 1

    def record_information_request(self, application_id: str, event_id: str, request: dict,
                                   timeline_entry: dict) -> bool:
        """Keep a reviewer's request for more information on the open application (replacing an earlier one),
        noted on its timeline; once per event. False when nothing changed."""
        guard, mark = apply_once(event_id)
        return self.applications.update_one(
            {"_id": application_id, **_OPEN, **guard},
            {"$set": {"information_request": request, "updated_at": timeline_entry["at"]},
             "$push": {"timeline": timeline_entry, **mark["$push"]}}).matched_count == 1

    def request_renewal(self, application_id: str, status: str, prc: dict, timeline_entry: dict,
                        event: dict) -> dict | None:
        """Move a registered application still in `status` to renewal_requested (its CNIC stays claimed), noting
        the PRC `prc`, with `event`; the application after it, or None when its status changed meanwhile."""
        return self.applications.find_one_and_update(
            {"_id": application_id, "status": status},
            outbox.with_events({"$set": {"status": timeline_entry["status"], "documents.prc": prc,
                                         "updated_at": timeline_entry["at"]},
                                "$push": {"timeline": timeline_entry}}, [event]),
            return_document=ReturnDocument.AFTER)

    def record_listing_preference(self, application_id: str, listed: bool, at: dt.datetime,
                                  event: dict) -> dict | None:
        """Keep the registrant's choice to appear in the public directory (`public.listed`) while the registration
        is in force and the choice differs from the stored one, with `event`; the application after it, or None
        when it is not in force or already so (two identical requests at once: one event)."""
        return self.applications.find_one_and_update(
            {"_id": application_id, "status": {"$in": list(IN_FORCE)}, "public.listed": {"$ne": listed}},
            outbox.with_events({"$set": {"public.listed": listed, "listing_changed_at": at}}, [event]),
            return_document=ReturnDocument.AFTER)

    def record_decision(self, application_id: str, event_id: str, allowed_from: list[str], decision: dict,
                        timeline_entry: dict, holds_cnic: bool = True, reclaim: bool = False) -> bool:
        """Move the application to `timeline_entry["status"]` with `decision`, once per `event_id` and only from
        `allowed_from`. Not `holds_cnic`: its claim is released. `reclaim` (a registration reinstated, whose
        revocation may have released the claim under REVOKED_CNIC_BLOCKS=false): an application without a
        claim claims its CNIC anew, unless a new application holds it meanwhile: then it moves without the
        claim (logged). False when nothing changed."""
        status, at = timeline_entry["status"], timeline_entry["at"]
        guard, mark = apply_once(event_id)
        query = {"_id": application_id, "status": {"$in": allowed_from}, **guard}
        update = {"$set": {"status": status, "decision": decision, "updated_at": at},
                  "$push": {"timeline": timeline_entry, **mark["$push"]}}
        if not holds_cnic:
            update["$unset"] = {"cnic_claim": ""}
            return self.applications.update_one(query, update).matched_count == 1
        unclaimed = self.applications.find_one({**query, "cnic_claim": None}, {"cnic_index": 1}) if reclaim else None
        if unclaimed is not None and unclaimed.get("cnic_index"):
            try:
                return self.applications.update_one(
                    {**query, "cnic_claim": None},
                    {**update, "$set": {**update["$set"], "cnic_claim": unclaimed["cnic_index"]}}).matched_count == 1
            except DuplicateKeyError as exc:
                if not violates_claim(exc):
                    raise
                log.warning("%s holds no CNIC claim: another application claimed the CNIC meanwhile", application_id)
        return self.applications.update_one(query, update).matched_count == 1

    def end_renewal_grace(self, application_id: str, event_id: str, timeline_entry: dict) -> bool:
        """An expired registration's renewal grace period is over: release its CNIC claim (a new application
        may use the CNIC), noting it on the timeline; once per event, only while it is still expired."""
        guard, mark = apply_once(event_id)
        return self.applications.update_one(
            {"_id": application_id, "status": timeline_entry["status"], **guard},
            {"$unset": {"cnic_claim": ""}, "$push": {"timeline": timeline_entry, **mark["$push"]}}).matched_count == 1

    def record_voucher_issued(self, application_id: str, voucher: dict) -> bool:
        """Keep a newly issued voucher ({number, amount, due_date}) as unpaid, in place of another one; the
        voucher already kept under that number keeps its status (a settlement that came first, or a
        repeat) and only gains the amount and due date. False when nothing changed."""
        replaced = self.applications.update_one(
            {"_id": application_id, "voucher.number": {"$ne": voucher["number"]}},
            {"$set": {"voucher": {**voucher, "status": "unpaid"}}})
        if replaced.matched_count:
            return True
        completed = self.applications.update_one(
            {"_id": application_id, "voucher.number": voucher["number"]},
            {"$set": {"voucher.amount": voucher["amount"], "voucher.due_date": voucher["due_date"]}})
        return completed.modified_count == 1

    def settle_voucher(self, application_id: str, number: str, status: str) -> bool:
        """The voucher under `number` is paid, expired or cancelled (each final), kept whether or not its
        issue has reached intake yet; another voucher's settlement changes nothing. False when nothing changed."""
        return self.applications.update_one(
            {"_id": application_id, "$or": [{"voucher.number": number}, {"voucher": {"$exists": False}}]},
            {"$set": {"voucher.number": number, "voucher.status": status}}).modified_count == 1

    # Signing in by one-time code (service_layer/sign_in.py): applications are found by `contact_index`, the
    # blind indexes of their email and mobile.

    def latest_with_contact(self, contact_index: str) -> dict | None:
        """The application last submitted with this email's or mobile's blind index: its id, language, name and
        sealed personal data; None when no application has it."""
        found = list(self.applications.find({"contact_index": contact_index},
                                            {"language": 1, "public.full_name": 1, "pii": 1})
                     .sort("submitted_at", DESCENDING).limit(1))
        return found[0] if found else None

    def list_with_contact(self, contact_index: str, limit: int) -> list[dict]:
        """The applications filed with this email's or mobile's blind index, the latest first: what the applicant's
        list shows (id, status, times, name, registration number), at most `limit`."""
        return list(self.applications.find({"contact_index": contact_index},
                                           {"status": 1, "submitted_at": 1, "updated_at": 1, "public.full_name": 1,
                                            "decision.registration_number": 1, "decision.valid_until": 1})
                    .sort("submitted_at", DESCENDING).limit(limit))

    def get_with_contact(self, application_id: str, contact_index: str) -> dict | None:
        """The application, if it was filed with this email's or mobile's blind index; None otherwise."""
        return self.applications.find_one({"_id": application_id, "contact_index": contact_index})

    def note_sign_in_code(self, application_id: str, at: dt.datetime, event: dict) -> bool:
        """Store `event` (a sign-in code to send to the application's applicant) in the application's outbox."""
        return outbox.update_with_events(self.applications, {"_id": application_id},
                                         {"$set": {"sign_in_code_sent_at": at}}, [event])

    def count_without_contact_index(self) -> int:
        """How many applications have no `contact_index` yet (the backfill's progress bar; a scan, run once)."""
        return self.applications.count_documents({"contact_index": {"$exists": False}})

    def without_contact_index_after(self, after_id: str | None, limit: int) -> list[dict]:
        """The next `limit` applications by id after `after_id` that have no `contact_index` yet (stored before
        sign-in by code): their id and sealed personal data."""
        after = MinKey() if after_id is None else after_id
        return list(self.applications.find({"_id": {"$gt": after}, "contact_index": {"$exists": False}}, {"pii": 1})
                    .sort("_id", ASCENDING).limit(limit))

    def set_contact_index(self, application_id: str, contact_index: list[str]) -> bool:
        """Give an application stored before sign-in by code its `contact_index`, unless it has one meanwhile
        (an amendment set it)."""
        return self.applications.update_one({"_id": application_id, "contact_index": {"$exists": False}},
                                            {"$set": {"contact_index": contact_index}}).modified_count == 1

    # Re-keying the CNIC indexes and claims (service_layer/cnic_index.py), safe while intake serves.

    def count(self) -> int:
        """About how many applications there are (for a progress bar: the server's estimate, no scan)."""
        return self.applications.estimated_document_count()

    def cnic_indexes_after(self, after_id: str | None, limit: int) -> list[dict]:
        """The next `limit` applications by id after `after_id`: their id, status, `cnic_index`, `cnic_claim` and
        sealed personal data (`pii`), nothing else. Short reads, so no cursor stays open for a whole run."""
        after = MinKey() if after_id is None else after_id
        return list(self.applications.find({"_id": {"$gt": after}},
                                           {"status": 1, "cnic_index": 1, "cnic_claim": 1, "pii": 1})
                    .sort("_id", ASCENDING).limit(limit))

    def rekey_cnic(self, application_id: str, old_index: str | None, new_index: str) -> str:
        """Set the application's `cnic_index` to `new_index` while it still is `old_index`, and while it holds the
        CNIC its claim too (one write each way, so a claim is never missing in between). Returns
        CLAIM_MOVED: it holds the CNIC, and its claim is now `new_index`;
        INDEX_MOVED: it does not hold the CNIC (withdrawn, rejected): index moved, no claim;
        CLAIM_CONFLICT: another application holds `new_index` already (two active applications with one CNIC):
        its index is moved but not its claim, for an operator to resolve;
        CHANGED_MEANWHILE: its `cnic_index` is no longer `old_index` (another run moved it)."""
        try:
            if self.applications.update_one({"_id": application_id, "cnic_index": old_index, **_HOLDING},
                                            {"$set": {"cnic_index": new_index, "cnic_claim": new_index}}).matched_count:
                return CLAIM_MOVED
        except DuplicateKeyError as exc:
            if not violates_claim(exc):
                raise
            self.applications.update_one({"_id": application_id, "cnic_index": old_index},
                                         {"$set": {"cnic_index": new_index}})
            return CLAIM_CONFLICT
        # A status that holds the CNIC only ever moves to one that does not, so this catches a release meanwhile.
        if self.applications.update_one({"_id": application_id, "cnic_index": old_index, **_NOT_HOLDING},
                                        {"$set": {"cnic_index": new_index},
                                         "$unset": {"cnic_claim": ""}}).matched_count:
            return INDEX_MOVED
        return CHANGED_MEANWHILE

    def drop_legacy_claims(self) -> None:
        """Drop what earlier versions kept for their claims: the `cnic_claims` collection, and the index on
        `cnic_index` no query uses now (each index costs every insert). After the re-key nothing reads them."""
        self.database.drop_collection(LEGACY_CLAIMS)
        if LEGACY_INDEX in self.applications.index_information():
            self.applications.drop_index(LEGACY_INDEX)

    def cnic_index_recipe_version(self) -> int | None:
        """The version the stored CNIC indexes and claims are made with; None when never stamped."""
        stamp = self.meta.find_one({"_id": CNIC_INDEX_RECIPE})
        return None if stamp is None else stamp["version"]

    def stamp_cnic_index_recipe(self, version: int, how: str) -> None:
        """Record that every stored CNIC index and claim is made as version `version` says (`how`: what did it)."""
        upsert_by_id(self.meta, CNIC_INDEX_RECIPE,
                     {"$set": {"version": version, "how": how, "stamped_at": dt.datetime.now(dt.timezone.utc)}})

    def stamp_cnic_index_recipe_if_no_applications(self, version: int) -> bool:
        """On a database without applications, record `version` (never lowering a recorded one); False when
        applications exist (how their indexes and claims are made is not known from the data)."""
        if self.applications.find_one({"_id": {"$gt": MinKey()}}, {"_id": 1}) is not None:
            return False
        upsert_by_id(self.meta, CNIC_INDEX_RECIPE,
                     {"$max": {"version": version},
                      "$set": {"how": "no applications", "stamped_at": dt.datetime.now(dt.timezone.utc)}})
        return True
