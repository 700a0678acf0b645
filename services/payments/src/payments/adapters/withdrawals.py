"""The applications withdrawn, as ApplicationWithdrawn told payments: one document per application in
payments' `withdrawals` collection, under its id, kept for good ({_id: application_id, withdrawn_at}).

`record` is one upsert that sets `withdrawn_at` only when it creates the document, so a repeat changes
nothing. It goes through eventkit.upserts.upsert_by_id: DocumentDB loses concurrent upserts filtered by
a bare `_id` (see there), and two deliveries of one withdrawal may well meet.
"""
import datetime as dt

from pymongo.collection import Collection
from pymongo.database import Database

from eventkit.upserts import upsert_by_id
from payments.adapters.times import stored_time

COLLECTION = "withdrawals"


class WithdrawalRepository:
    """The Withdrawals of service_layer/dependencies.py."""

    def __init__(self, db: Database):
        self.withdrawals: Collection = db[COLLECTION]

    def record(self, application_id: str, at: dt.datetime) -> None:
        """Remember the withdrawal (once: a repeat changes nothing, the first time is kept)."""
        upsert_by_id(self.withdrawals, application_id, {"$setOnInsert": {"withdrawn_at": stored_time(at)}})

    def includes(self, application_id: str) -> bool:
        return self.withdrawals.find_one({"_id": application_id}, {"_id": 1}) is not None
