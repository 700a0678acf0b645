"""Intake's reactions to other services' events.

Skeleton: decisions are acknowledged (the consumer loop records them in the inbox) but
change nothing yet; the intake issue makes them update the applicant's status timeline.
"""
import logging

GROUP = "intake-decisions"
log = logging.getLogger(__name__)


def handle_decision_event(envelope: dict) -> None:
    log.info("decision event %s for %s received", envelope["event_type"], envelope["key"])
