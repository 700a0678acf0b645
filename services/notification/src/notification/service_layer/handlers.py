"""Notification's reactions to application and decision events.

Skeleton: events are acknowledged (recorded in the inbox) but nothing is sent yet;
the notification issue adds templates, channels and the delivery log.
"""
import logging

GROUP = "notification"
log = logging.getLogger(__name__)


def handle_event(envelope: dict) -> None:
    log.info("event %s for %s received", envelope["event_type"], envelope["key"])
