"""A reviewer's request for more information reaching intake (verification's InformationRequested): kept on the
open application for its status page, once per event (domain/information.py says how it is answered)."""
import datetime as dt
import logging

from intake.domain import application as lifecycle
from intake.domain.information import request_from
from intake.service_layer.dependencies import Dependencies

log = logging.getLogger(__name__)
NOTE = "A reviewer asked you for more information"


def record_request(deps: Dependencies, envelope: dict) -> bool:
    """Keep the request on the application; False when it changed nothing (a repeat, or the application closed)."""
    application_id = envelope["payload"].get("application_id") or envelope["key"]
    at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    changed = deps.applications.record_information_request(
        application_id, envelope["event_id"], request_from(envelope["payload"], envelope["event_id"], at),
        lifecycle.timeline_entry(lifecycle.IN_REVIEW, NOTE, at))
    if not changed:
        log.info("InformationRequested for %s changed nothing (already kept, or the application is closed)",
                 application_id)
    return changed
