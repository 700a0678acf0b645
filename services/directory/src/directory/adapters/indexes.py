"""Every index of the directory's database, declared once and made at start by the bootstrap
(eventkit.indexes.ensure_indexes). tests/integration/directory/test_query_plans.py explains each
repository query against them and fails on a full scan.

Search is not served from the collection (see domain/search_index.py), so the listings need no
filter indexes: `_id` answers profiles, verification and the rebuild's lookups, and
the `source` index answers where each topic partition stands (ListingRepository.positions).
"""
from pymongo import ASCENDING, IndexModel

from directory.adapters.listings import COLLECTION
from servicekit import rate_limit

INDEXES = {
    **rate_limit.INDEXES,  # the registration-number checks' per-address counters (TTL)
    COLLECTION: [
        # the default name (source.topic_1_source.partition_1_source.offset_1), as existing databases have it
        IndexModel([("source.topic", ASCENDING), ("source.partition", ASCENDING), ("source.offset", ASCENDING)]),
    ],
}
