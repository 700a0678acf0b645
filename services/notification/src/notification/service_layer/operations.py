"""Operators' use cases on the delivery log: list what did not go out, and re-send one on purpose.

A re-send is audited as an attempt of its own: a new delivery record "<original id>:resend-<n>"
holding who asked, from where, why and when (`requested_by`, `requested_from`, `reason`,
`requested_at`, `resend_of`), sent by the scheduler through the normal send and retry path; the
original keeps its status and lists the new id in `resent_as`. `requested_by` is what the
operator said their name is: the API has one token shared by all operators, so it is not proof
of who it was; `requested_from` (the client's address, or the CLI's host) narrows it down.

Only a failed or uncertain delivery can be re-sent — one still on its way (pending, sending,
retrying) or already sent is refused — and only while no earlier re-send of it is still on its
way (its newest re-send is sent, failed or uncertain): two re-sends never race each other or
the delivery they repeat. Re-sends always hang off the original: asked to re-send a failed or
uncertain re-send (say the newest one, which the listing of failed deliveries shows), this makes
the original's next re-send, so there is one numbered sequence per delivery to check and ids
never grow into chains. Two requests at once both aim at the same next number; the record's
unique id lets one through and refuses the other.
"""
import logging

from notification.domain.deliveries import FINAL, RESENDABLE, ResendNumberTaken
from notification.service_layer.dependencies import Dependencies
from servicekit.cursors import decode_cursor, encode_cursor

log = logging.getLogger(__name__)
LISTABLE = RESENDABLE  # what an operator may need to act on


class DeliveryNotFound(Exception):
    pass


class ResendRefused(Exception):
    """The delivery is not failed or uncertain, kept no event to send from, or an earlier re-send
    of it is still on its way."""


def delivery_log(deps: Dependencies, application_id: str) -> list[dict]:
    """Every delivery of an application, newest first, each original listing its re-sends."""
    return deps.deliveries.for_application(application_id)


def deliveries_with_status(deps: Dependencies, status: str, limit: int, cursor: str | None) -> dict:
    """One page of deliveries in `status` (failed or uncertain), newest first: {items, next_cursor}.
    `cursor` is the previous page's next_cursor (servicekit.cursors: the last item's time and id);
    ValueError for a status that is not listable or a cursor that is not one."""
    if status not in LISTABLE:
        raise ValueError(f"status must be one of {', '.join(LISTABLE)}")
    after = decode_cursor(cursor) if cursor else None
    items = deps.deliveries.with_status(status, limit + 1, after)
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor(items[-1]["created_at"], items[-1]["_id"])
    return {"items": items, "next_cursor": next_cursor}


def resend(deps: Dependencies, record_id: str, operator: str, reason: str, requested_from: str) -> dict:
    """Queue a new attempt of a failed or uncertain delivery (of its original, when `record_id` is a
    re-send); returns the new delivery record. `requested_from`: the client's address or the CLI's host."""
    asked = deps.deliveries.get(record_id)
    if asked is None:
        raise DeliveryNotFound(record_id)
    if asked["status"] not in RESENDABLE:
        raise ResendRefused(f"Only a failed or uncertain delivery can be re-sent; {record_id} is {asked['status']}.")
    original = (deps.deliveries.get(asked["resend_of"]) or asked) if asked.get("resend_of") else asked
    if not original.get("envelope"):
        raise ResendRefused(f"{original['_id']} kept no event to send from (it is {original['status']}).")
    earlier = deps.deliveries.resends_of(original["_id"])
    if earlier and earlier[-1]["status"] not in FINAL:
        raise ResendRefused(f"A re-send of this delivery is still under way: {earlier[-1]['_id']} is "
                            f"{earlier[-1]['status']}. Ask again once it is sent, failed or uncertain.")
    requested_at = deps.now()
    try:
        record = deps.deliveries.add_resend(original, len(earlier) + 1, {
            "requested_by": operator, "requested_from": requested_from, "reason": reason,
            "requested_at": requested_at}, requested_at)
    except ResendNumberTaken as exc:
        raise ResendRefused(f"A re-send of this delivery is still under way: {exc} was just made by "
                            "another request.") from None
    log.warning("%s (from %s) asked to re-send %s as %s: %s", operator, requested_from, original["_id"],
                record["_id"], reason)
    return record
