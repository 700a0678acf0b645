"""Operators' use cases on the delivery log: list what did not go out, and re-send one on purpose.

A re-send is audited as an attempt of its own: a new delivery record "<original id>:resend-<n>"
holding who asked, why and when (`requested_by`, `reason`, `requested_at`, `resend_of`),
sent by the scheduler through the normal send and retry path; the original keeps its status
and gains the new id in `resent_as`. Only a failed or uncertain delivery can be re-sent — one
still on its way (pending, sending, retrying) or already sent is refused, so a re-send can
never race the delivery it repeats.
"""
import logging

from notification.adapters import notifications as records
from notification.bootstrap import Notification

log = logging.getLogger(__name__)
LISTABLE = records.RESENDABLE  # what an operator may need to act on


class DeliveryNotFound(Exception):
    pass


class ResendRefused(Exception):
    """The delivery is not failed or uncertain (or kept no event to send from)."""


def deliveries_with_status(n: Notification, status: str, limit: int, cursor: str | None) -> dict:
    """One page of deliveries in `status` (failed or uncertain), newest first: {items, next_cursor}."""
    if status not in LISTABLE:
        raise ValueError(f"status must be one of {', '.join(LISTABLE)}")
    items, next_cursor = n.log.with_status(status, limit, cursor)
    return {"items": items, "next_cursor": next_cursor}


def resend(n: Notification, record_id: str, operator: str, reason: str) -> dict:
    """Queue a new attempt of a failed or uncertain delivery; returns the new delivery record."""
    original = n.log.get(record_id)
    if original is None:
        raise DeliveryNotFound(record_id)
    requested_at = n.clock()
    try:
        record = n.log.add_resend(original, {"requested_by": operator, "reason": reason,
                                             "requested_at": requested_at}, requested_at)
    except records.NotResendable as exc:
        why = original["status"] if original["status"] not in records.RESENDABLE else f"{original['status']}, {exc}"
        raise ResendRefused(f"Only a failed or uncertain delivery can be re-sent; {record_id} is {why}.") from None
    log.warning("%s asked to re-send %s as %s: %s", operator, record_id, record["_id"], reason)
    return record
