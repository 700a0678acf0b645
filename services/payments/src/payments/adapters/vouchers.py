"""Where vouchers live: one document per voucher in payments' `vouchers` collection, under its number,
carrying its own outbox (eventkit.outbox).

    {_id: "7711000000000013", application_id, fee_cycle, payer_name, amount (int rupees),
     issued_at (datetime), due_date ("YYYY-MM-DD"), due_at (datetime: when it stops being payable),
     status, updated_at (datetime),
     paid_at, aggregator_id, transaction_id (null until paid), erased_at (null until its application is erased),
     outbox, outbox_pending, revision}

Every change is ONE write of that document with the event it causes: the insert that issues a voucher
holds VoucherIssued; each move (paid, expired, cancelled) is an update conditioned on the voucher being
unpaid, holding its event. So a voucher moves once and its event is stored once, whoever else writes.

Erasing an application (`remove_personal_data`) clears the voucher's `payer_name` and takes the applicant's
sealed contact and language out of the published events its outbox keeps, in one write conditioned on the
outbox's `revision` (so a relay marking it meanwhile re-reads it rather than writing the old entries back) and on
`erased_at` being unset (so it happens once, and the event it holds is stored once).

The unique index on (application_id, fee_cycle) (adapters/indexes.py) is what keeps one voucher per
application and fee cycle when two deliveries of one event race; the `_id` is what keeps numbers unique.
Times and days are stored as adapters/times.py says.
"""
import datetime as dt

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from eventkit import outbox
from payments.adapters.times import read_day, read_time, stored_day, stored_time
from payments.domain.vouchers import (CANCELLED, EXPIRED, PAID, UNPAID, AlreadyIssued, NumberTaken, Transaction, Voucher,
                                      end_of_day)

COLLECTION = "vouchers"
APPLICATION_INDEX = "application_fee_cycle"  # unique (application_id, fee_cycle) (adapters/indexes.py)
DUE_INDEX = "status_due_at"  # (status, due_at, _id): the scheduler's unpaid vouchers, earliest due first
RETIRED_INDEX = "status_due_date"  # (status, due_date, _id): what the scheduler's query used before `due_at`
VOUCHER_FIELDS = {"outbox": 0, "outbox_pending": 0, "revision": 0}  # a voucher without its outbox, which only grows
_UNPAID = {"status": UNPAID}
_NOT_ERASED = {"erased_at": None}  # unset, or null (vouchers kept before erasure existed have no field)
# What VoucherIssued passes on from the approval for notification (service_layer/handlers.PASSED_ON): the contact,
# sealed under the applicant's key, and their language. Payments never reads them.
PERSONAL_EVENT_FIELDS = ("contact", "language")
ERASE_ATTEMPTS = 5  # reads and conditional writes tried while the relay keeps marking the same voucher


class OutboxBusy(RuntimeError):
    """The voucher's outbox changed under every attempt to remove its personal data: the event is tried again."""


def violates_application_index(error: DuplicateKeyError) -> bool:
    """Whether a duplicate key is another voucher of the application and fee cycle (not the number, `_id`).

    MongoDB names the index in `keyPattern` and in the message; DocumentDB in the message only."""
    details = error.details or {}
    if "keyPattern" in details:
        return "application_id" in details["keyPattern"]
    message = details.get("errmsg", "") or str(error)
    return f"'{APPLICATION_INDEX}'" in message or f"index: {APPLICATION_INDEX} " in message


def to_document(voucher: Voucher) -> dict:
    return {"_id": voucher.number, "application_id": voucher.application_id, "fee_cycle": voucher.fee_cycle,
            "payer_name": voucher.payer_name, "amount": voucher.amount, "issued_at": stored_time(voucher.issued_at),
            "due_date": stored_day(voucher.due_date), "due_at": stored_time(voucher.due_at), "status": voucher.status,
            "updated_at": stored_time(voucher.updated_at), "paid_at": stored_time(voucher.paid_at),
            "aggregator_id": voucher.aggregator_id, "transaction_id": voucher.transaction_id,
            "erased_at": stored_time(voucher.erased_at)}


def from_document(document: dict) -> Voucher:
    return Voucher(number=document["_id"], application_id=document["application_id"],
                   fee_cycle=document["fee_cycle"], payer_name=document.get("payer_name"), amount=document["amount"],
                   issued_at=read_time(document["issued_at"]), due_date=read_day(document["due_date"]),
                   status=document["status"], updated_at=read_time(document["updated_at"]),
                   paid_at=read_time(document.get("paid_at")), aggregator_id=document.get("aggregator_id"),
                   transaction_id=document.get("transaction_id"), due_at=read_time(document.get("due_at")),
                   erased_at=read_time(document.get("erased_at")))


def without_personal_data(entry: dict) -> dict:
    """An outbox entry with PERSONAL_EVENT_FIELDS taken out of its event's payload once it is published; an entry
    still waiting for the relay is kept whole (its contact is sealed under a destroyed key: notification, finding
    it unreadable, skips the message, where a missing one would be an invalid message)."""
    payload = entry.get("event", {}).get("payload") or {}
    if entry.get("state") == outbox.PENDING or not any(name in payload for name in PERSONAL_EVENT_FIELDS):
        return entry
    kept = {name: value for name, value in payload.items() if name not in PERSONAL_EVENT_FIELDS}
    return {**entry, "event": {**entry["event"], "payload": kept}}


class VoucherRepository:
    """The Vouchers of service_layer/dependencies.py."""

    def __init__(self, db: Database):
        self.vouchers: Collection = db[COLLECTION]

    def add(self, voucher: Voucher, events: list[dict]) -> None:
        """Store a new voucher with its events in one insert. NumberTaken when a voucher has its number;
        AlreadyIssued when its application has a voucher for its fee cycle (nothing is stored either way)."""
        try:
            self.vouchers.insert_one({**to_document(voucher), **outbox.new_document_fields(events)})
        except DuplicateKeyError as exc:
            if violates_application_index(exc):
                raise AlreadyIssued(voucher.application_id) from None
            raise NumberTaken(voucher.number) from None

    def get(self, number: str) -> Voucher | None:
        document = self.vouchers.find_one({"_id": number}, VOUCHER_FIELDS)
        return None if document is None else from_document(document)

    def get_by_application(self, application_id: str, fee_cycle: str) -> Voucher | None:
        document = self.vouchers.find_one({"application_id": application_id, "fee_cycle": fee_cycle}, VOUCHER_FIELDS)
        return None if document is None else from_document(document)

    def of_application(self, application_id: str) -> list[Voucher]:
        """Every voucher of the application, whatever its fee cycle and status, earliest issued first (by number
        among those issued at once): a handful, through the application index."""
        found = [from_document(document)
                 for document in self.vouchers.find({"application_id": application_id}, VOUCHER_FIELDS)]
        return sorted(found, key=lambda voucher: (voucher.issued_at, voucher.number))

    def remove_personal_data(self, number: str, at: dt.datetime, events: list[dict]) -> bool:
        """The application was erased: the voucher's payer name cleared and the contact and language taken out of
        the published events it keeps (`without_personal_data`), `erased_at` set, with `events` in its outbox, in
        one write; numbers, amount, dates, status and payment stay. False, changing nothing, when its data was
        removed before (or no voucher has the number). OutboxBusy if the relay changed the outbox under every
        attempt."""
        for _ in range(ERASE_ATTEMPTS):
            document = self.vouchers.find_one({"_id": number, **_NOT_ERASED}, {"outbox": 1, "revision": 1})
            if document is None:
                return False
            entries = [without_personal_data(e) for e in document.get("outbox", [])]
            entries += outbox.new_document_fields(events)["outbox"]
            update = {"$set": {"payer_name": None, "erased_at": stored_time(at), "outbox": entries,
                               "outbox_pending": any(e["state"] == outbox.PENDING for e in entries)},
                      "$inc": {"revision": 1}}
            if self.vouchers.update_one({"_id": number, "revision": document.get("revision"), **_NOT_ERASED},
                                        update).matched_count == 1:
                return True
        raise OutboxBusy(f"voucher {number}: its outbox changed under {ERASE_ATTEMPTS} attempts")

    def mark_paid(self, number: str, transaction: Transaction, event: dict) -> bool:
        """Unpaid → paid, keeping who paid it (aggregator and transaction id) and when, with FeePaid;
        False, changing nothing, when the voucher is not unpaid."""
        return outbox.update_with_events(self.vouchers, {"_id": number, **_UNPAID}, {"$set": {
            "status": PAID, "updated_at": stored_time(transaction.answered_at),
            "paid_at": stored_time(transaction.paid_at), "aggregator_id": transaction.aggregator_id,
            "transaction_id": transaction.transaction_id}}, [event])

    def mark_expired(self, number: str, at: dt.datetime, event: dict) -> bool:
        """Unpaid → expired, with VoucherExpired; False, changing nothing, when it is not unpaid."""
        return outbox.update_with_events(self.vouchers, {"_id": number, **_UNPAID},
                                         {"$set": {"status": EXPIRED, "updated_at": stored_time(at)}}, [event])

    def cancel(self, number: str, at: dt.datetime, event: dict) -> bool:
        """Unpaid → cancelled, with VoucherCancelled; False, changing nothing, when it is not unpaid."""
        return outbox.update_with_events(self.vouchers, {"_id": number, **_UNPAID},
                                         {"$set": {"status": CANCELLED, "updated_at": stored_time(at)}}, [event])

    def unpaid_payable_until_before(self, at: dt.datetime, limit: int) -> list[Voucher]:
        """Up to `limit` unpaid vouchers no longer payable at `at`, earliest due first (by number among those
        due at one time): one bounded read of the (status, due_at, _id) index."""
        cursor = (self.vouchers.find({**_UNPAID, "due_at": {"$lte": stored_time(at)}}, VOUCHER_FIELDS)
                  .sort([("due_at", ASCENDING), ("_id", ASCENDING)]).limit(limit))
        return [from_document(document) for document in cursor.batch_size(limit)]

    def drop_retired_index(self) -> None:
        """Drop the index the scheduler's query used before vouchers kept `due_at` (each index costs every write)."""
        if RETIRED_INDEX in self.vouchers.index_information():
            self.vouchers.drop_index(RETIRED_INDEX)

    def fill_missing_due_at(self, limit: int) -> int:
        """Give up to `limit` unpaid vouchers kept before `due_at` existed theirs (the end of their due date),
        so the scheduler finds them; how many. Through the same index (`due_at` null); cheap when none."""
        filled = 0
        for document in self.vouchers.find({**_UNPAID, "due_at": None}, {"due_date": 1}).limit(limit):
            filled += self.vouchers.update_one(
                {"_id": document["_id"], **_UNPAID, "due_at": None},
                {"$set": {"due_at": stored_time(end_of_day(read_day(document["due_date"])))}}).matched_count
        return filled
