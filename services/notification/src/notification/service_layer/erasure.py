"""An application erased (intake's ApplicationErased): notification deletes what it holds of it.

What it holds is the delivery log's records of the application (each with the masked address, and, while
unsent, the event whose contact part is sealed under the applicant's now destroyed key) and, for up to a
minute, that key in the worker's cache (servicekit.data_keys). `forget_applicant` deletes every record,
re-sends included, and drops the cached keys. The scheduler's cache (it fetches keys for retries) is not
reached, but it has no record of the application left to retry, and keeps a key a minute at most.

Notification publishes nothing intake reads (notification.events has no consumer), so it does not report
completion with an ErasureCompleted event as verification and payments do: it writes one structured log line
(`erasure: completed`, `service: notification`, the application and how many records went) and counts it in
`notification_erasures_total`. Safe to run twice: a redelivery finds nothing left and says so the same way.
"""
import logging

from prometheus_client import Counter

from eventkit.envelope import InvalidMessage
from notification.service_layer.dependencies import Dependencies

log = logging.getLogger(__name__)
ERASURES_TOTAL = Counter("notification_erasures_total",
                         "Erased applications whose delivery records and cached keys notification removed", ["cause"])
CAUSES = ("applicant", "retention")  # ApplicationErased's `cause`; anything else is counted as `other`


def forget_applicant(deps: Dependencies, envelope: dict) -> None:
    """ApplicationErased: every delivery record of the application deleted and its cached data keys dropped."""
    payload = envelope["payload"]
    application_id = payload.get("application_id") or envelope["key"]
    if not isinstance(application_id, str) or not application_id:
        raise InvalidMessage(f"{envelope['event_type']}: application_id is not a string")
    deps.forget_data_keys(application_id)
    deleted = deps.deliveries.delete_for_application(application_id)
    cause = payload.get("cause") if payload.get("cause") in CAUSES else "other"
    ERASURES_TOTAL.labels(cause).inc()
    log.info("erasure completed: %d delivery records of %s deleted", deleted, application_id,
             extra={"erasure": "completed", "service": "notification", "application_id": application_id,
                    "cause": cause, "deliveries_deleted": deleted, "causation_id": envelope["event_id"]})
