"""Every index intake's queries and rules need, declared in one place and made at start by the bootstrap
(eventkit.indexes.ensure_indexes). tests/integration/intake/test_query_plans.py checks with `explain`
that each repository query is served by one of them.

Not declared here: the `_id` indexes, which serve every other lookup (applications, documents,
the recipe stamp and rate-limit counters are all found by id; a decision's inbox record too).
"""
from pymongo import ASCENDING, DESCENDING, IndexModel

from eventkit.outbox import OUTBOX_INDEXES
from intake.adapters import data_keys, drafts, sign_in_challenges
from intake.adapters.applications import CLAIM_INDEX, COLLECTION as APPLICATIONS
from servicekit import rate_limit

INDEXES = {
    APPLICATIONS: [
        *OUTBOX_INDEXES,  # the relay's query for pending events
        # One application at a time holds a CNIC: `cnic_claim` is set only while it does (adapters/applications.py).
        # Sparse: withdrawn and rejected applications carry no claim.
        IndexModel([("cnic_claim", ASCENDING)], name=CLAIM_INDEX, unique=True, sparse=True),
        # Sign-in by one-time code finds an applicant's applications, latest first, by their email's or mobile's
        # blind index (`contact_index` holds both).
        IndexModel([("contact_index", ASCENDING), ("submitted_at", DESCENDING)], name="contact_index_submitted_at"),
        # The retention policy finds applications of a status that ended before a date (adapters/erasures.py).
        IndexModel([("status", ASCENDING), ("updated_at", ASCENDING)], name="status_1_updated_at_1"),
    ],
    # Each application's data keys; the rotation finds those wrapped by an older service key.
    data_keys.COLLECTION: data_keys.INDEXES[data_keys.COLLECTION],
    # A one-time code's challenge is deleted an hour after it was asked for; an address's codes are counted.
    sign_in_challenges.COLLECTION: sign_in_challenges.INDEXES,
    # A draft's answers and files expire an hour after they were kept; its files are found by draft id.
    drafts.COLLECTION: drafts.INDEXES,
    **rate_limit.INDEXES,  # the counters' TTL: windows past their end are deleted by the server
}
