"""The aggregators' payment transactions and the answers they got: one document per transaction in
payments' `transactions` collection, under "<aggregator_id>:<transaction_id>" (an aggregator's name
holds no colon, entrypoints/auth.py, so two aggregators' ids never meet), kept for good.

    {_id: "bank1:T-0001", aggregator_id, transaction_id, voucher_number, amount, paid_at (datetime),
     answered_at (datetime), application_id (null for an unknown number), refusal (null: accepted),
     refusal_message}

`record` is one insert; a second insert under the same id (the same transaction at once, twice) is
refused by the `_id` index and gets the stored document, so the first answer recorded is the answer.
No outbox here: FeePaid is written with the voucher's change (adapters/vouchers.py).
"""
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from payments.adapters.times import read_time, stored_time
from payments.domain.vouchers import Transaction

COLLECTION = "transactions"


def transaction_key(aggregator_id: str, transaction_id: str) -> str:
    return f"{aggregator_id}:{transaction_id}"


def to_document(transaction: Transaction) -> dict:
    return {"_id": transaction_key(transaction.aggregator_id, transaction.transaction_id),
            "aggregator_id": transaction.aggregator_id, "transaction_id": transaction.transaction_id,
            "voucher_number": transaction.voucher_number, "amount": transaction.amount,
            "paid_at": stored_time(transaction.paid_at), "answered_at": stored_time(transaction.answered_at),
            "application_id": transaction.application_id, "refusal": transaction.refusal,
            "refusal_message": transaction.refusal_message}


def from_document(document: dict) -> Transaction:
    return Transaction(aggregator_id=document["aggregator_id"], transaction_id=document["transaction_id"],
                       voucher_number=document["voucher_number"], amount=document["amount"],
                       paid_at=read_time(document["paid_at"]), answered_at=read_time(document["answered_at"]),
                       application_id=document.get("application_id"), refusal=document.get("refusal"),
                       refusal_message=document.get("refusal_message"))


class TransactionRepository:
    """The Transactions of service_layer/dependencies.py."""

    def __init__(self, db: Database):
        self.transactions: Collection = db[COLLECTION]

    def get(self, aggregator_id: str, transaction_id: str) -> Transaction | None:
        document = self.transactions.find_one({"_id": transaction_key(aggregator_id, transaction_id)})
        return None if document is None else from_document(document)

    def record(self, transaction: Transaction) -> Transaction:
        """Store the transaction's answer in one insert, unless one is stored under its id already;
        returns the stored one (this one, or the first request's when two with one id raced), as a
        later read gives it."""
        document = to_document(transaction)
        try:
            self.transactions.insert_one(document)
        except DuplicateKeyError:
            stored = self.transactions.find_one({"_id": document["_id"]})
            if stored is None:  # only an insert refused by a stored document gets here, and none is ever deleted
                raise
            return from_document(stored)
        return from_document(document)
