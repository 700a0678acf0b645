"""Where vouchers live: one document per voucher in payments' `vouchers` collection, under its number,
carrying its own outbox (eventkit.outbox).

    {_id: "7711000000000013", application_id, fee_cycle, payer_name, amount (int rupees),
     issued_at (datetime), due_date ("YYYY-MM-DD"), due_at (datetime: when it stops being payable),
     status, updated_at (datetime),
     paid_at, aggregator_id, transaction_id (null until paid), outbox, outbox_pending, revision}

Every change is ONE write of that document with the event it causes: the insert that issues a voucher
holds VoucherIssued; each move (paid, expired, cancelled) is an update conditioned on the voucher being
unpaid, holding its event. So a voucher moves once and its event is stored once, whoever else writes.

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
            "aggregator_id": voucher.aggregator_id, "transaction_id": voucher.transaction_id}


def from_document(document: dict) -> Voucher:
    return Voucher(number=document["_id"], application_id=document["application_id"],
                   fee_cycle=document["fee_cycle"], payer_name=document["payer_name"], amount=document["amount"],
                   issued_at=read_time(document["issued_at"]), due_date=read_day(document["due_date"]),
                   status=document["status"], updated_at=read_time(document["updated_at"]),
                   paid_at=read_time(document.get("paid_at")), aggregator_id=document.get("aggregator_id"),
                   transaction_id=document.get("transaction_id"), due_at=read_time(document.get("due_at")))


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
