"""Directory's reactions to decision events.

Skeleton: decisions are acknowledged (recorded in the inbox) but no listing is written
yet; the directory issue adds the public read model.
"""
import logging

GROUP = "directory-decisions"
log = logging.getLogger(__name__)


def handle_decision_event(envelope: dict) -> None:
    log.info("decision event %s for %s received", envelope["event_type"], envelope["key"])
