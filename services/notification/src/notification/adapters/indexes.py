"""Every index notification's queries need, declared in one place and made at start by the bootstrap
(eventkit.indexes.ensure_indexes). tests/integration/notification/test_query_plans.py checks with
`explain` that each query of the delivery log (adapters/notifications.py) is served by one of them.

Lookups and conditional moves by `_id` use the `_id` index, which needs no declaration. Delivery records
are the audit trail of what was sent to whom for DELIVERY_LOG_DAYS: the TTL index on `purge_at` has the
server delete each when its time comes (about once a minute; records of earlier versions have no `purge_at`
and stay). An erased application's records go at once, through the `application_id` index.

The indexes keep the names the server gives their keys (no `name=`): the four that earlier versions
made with create_index have those names, so a database upgraded in place already has them and
ensure_indexes finds nothing to change (the same keys under a new name would be refused).
"""
from pymongo import ASCENDING, DESCENDING, IndexModel

from eventkit import outbox
from notification.adapters.notifications import COLLECTION as DELIVERIES

INDEXES = {
    DELIVERIES: [
        # The scheduler: retries due by now, earliest first (claim_due).
        IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)]),
        # Housekeeping: sends claimed too long ago and still under way (stale_sending).
        IndexModel([("status", ASCENDING), ("claimed_at", ASCENDING)]),
        # The operators' listing of failed or uncertain deliveries, newest first, paged by (created_at, _id).
        IndexModel([("status", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]),
        # The delivery log of one application (a handful of records, sorted newest first after the lookup);
        # also deleting them all when the application is erased (delete_for_application).
        IndexModel([("application_id", ASCENDING)]),
        # The delivery log's retention: the server deletes a record once its `purge_at` (DELIVERY_LOG_DAYS after
        # it was made) has passed.
        IndexModel([("purge_at", ASCENDING)], expireAfterSeconds=0),
        # The re-sends of a delivery (a re-send's rules and the listings' `resent_as`).
        IndexModel([("resend_of", ASCENDING)]),
        # The relay: records with events still to publish.
        *outbox.OUTBOX_INDEXES,
    ],
}
