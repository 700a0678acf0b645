"""Every index payments' queries and rules need, declared in one place and made at start by the bootstrap
(eventkit.indexes.ensure_indexes). tests/integration/payments/test_query_plans.py checks with `explain`
that each repository query is served by one of them.

Not declared here: the `_id` indexes, which serve every other lookup and keep the rest unique (a
voucher by its number, a transaction by its aggregator and id, a withdrawal by its application).
"""
from pymongo import ASCENDING, IndexModel

from eventkit.outbox import OUTBOX_INDEXES
from payments.adapters.vouchers import APPLICATION_INDEX, COLLECTION as VOUCHERS, DUE_INDEX

INDEXES = {
    VOUCHERS: [
        *OUTBOX_INDEXES,  # the relay's query for pending events
        # One voucher per application and fee cycle, however often the approval is delivered
        # (adapters/vouchers.py: a second insert is refused, AlreadyIssued); also get_by_application.
        IndexModel([("application_id", ASCENDING), ("fee_cycle", ASCENDING)], name=APPLICATION_INDEX, unique=True),
        # The scheduler's unpaid vouchers due before a day, earliest due first, by number among one day's
        # (unpaid_payable_until_before): `_id` last, so the index gives the whole order and no sort is made in memory.
        IndexModel([("status", ASCENDING), ("due_at", ASCENDING), ("_id", ASCENDING)], name=DUE_INDEX),
    ],
}
