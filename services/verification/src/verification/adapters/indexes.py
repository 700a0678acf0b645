"""Every index verification's queries need, declared in one place and made at start by the bootstrap
(eventkit.indexes.ensure_indexes). tests/integration/verification/test_query_plans.py checks with
`explain` that each repository query is served by one of them.

Not declared here: the `_id` indexes, which serve the lookups of cases, accounts, tokens, counters
and inbox records by id. Each index costs every write of its collection (DocumentDB rewrites a
document's index entries on each update: measured ≈0.3–0.5 ms per case write per index here), so
`cases` has only what a query needs.
"""
from pymongo import ASCENDING, IndexModel

from eventkit.outbox import OUTBOX_INDEXES
from servicekit import rate_limit
from verification.adapters.cases import COLLECTION as CASES, LEASE_INDEX, SEARCH_INDEX
from verification.adapters.reviewers import TOKENS

INDEXES = {
    **rate_limit.INDEXES,  # the sign-in rate limits' counters, deleted by TTL when their window ends
    CASES: [
        *OUTBOX_INDEXES,  # the relay's query for pending events
        # The reviewers' queue: cases in some states, oldest first, paged by (received_at, _id).
        IndexModel([("state", ASCENDING), ("received_at", ASCENDING), ("_id", ASCENDING)], name="queue"),
        # The queue's search by application id or part of a name (domain.name_search: the id and the
        # prefixes of the name's words).
        IndexModel([("search_tokens", ASCENDING)], name=SEARCH_INDEX),
        # Duplicate identities and shared contacts: other cases under the same blind index.
        IndexModel([("indexes.cnic", ASCENDING)], name="identity_cnic"),
        IndexModel([("indexes.email", ASCENDING)], name="identity_email"),
        IndexModel([("indexes.mobile", ASCENDING)], name="identity_mobile"),
        # No registration number on two cases, whatever a counter does.
        # Sparse: only approved cases have one (a partial index did the same, and cost more per write here).
        IndexModel([("decision.registration_number", ASCENDING)], name="registration_number", unique=True,
                   sparse=True),
        # The scheduler's registrations with a reminder or their expiry due (one field for both: one index).
        IndexModel([("state", ASCENDING), ("due_at", ASCENDING)], name="due"),
        # The console's workload figures: the cases reviewers hold (sparse: only a claimed case has a lease, and a
        # decision or a release removes it).
        IndexModel([("lease.until", ASCENDING)], name=LEASE_INDEX, sparse=True),
        # Revocations and reinstatements waiting for a second admin: sparse, as few cases have one.
        IndexModel([("pending_action.requested_at", ASCENDING)], name="pending_action", sparse=True),
    ],
    TOKENS: [
        # Expired API tokens are deleted by the server (about once a minute); find_token refuses them before.
        IndexModel([("expires_at", ASCENDING)], name="expires_at_1", expireAfterSeconds=0),
        # Revoking every token of an account (deactivation, password reset).
        IndexModel([("username", ASCENDING)], name="username"),
    ],
}
