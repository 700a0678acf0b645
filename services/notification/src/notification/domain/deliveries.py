"""A delivery: one message of one event on one channel, and the statuses it moves through.

    pending ──claim──▶ sending ──▶ sent
                          │ ├────▶ failed      (refused for good, or past the give-up horizon)
                          │ ├────▶ retrying ──claim when due──▶ sending ──▶ …
                          │ └────▶ uncertain   (the send broke off after the message was handed over)
                          └──(claimed too long ago: a process died mid-send)──▶ uncertain

A delivery's id is "<event id>:<channel>", so a second delivery of an event finds the first
one's record and sends nothing. An operator's re-send is a delivery of its own,
"<original id>:resend-<n>", numbered 1, 2, … without gaps; it starts as a retry due at once.
Delivery records are the audit trail of what was sent to whom, kept DELIVERY_LOG_DAYS (then the server
deletes them), and deleted at once when the application is erased. A record is also what keeps an event from
being sent twice, so an event read again after its record went is not sent either: by then it is older than
DELIVERY_GIVE_UP_HOURS, and no event that old is sent (notify.tell_applicant).
"""

PENDING, SENDING, RETRYING, SENT, FAILED, UNCERTAIN = "pending", "sending", "retrying", "sent", "failed", "uncertain"
FINAL = (SENT, FAILED, UNCERTAIN)  # nothing more happens to it unless an operator re-sends it
RESENDABLE = (FAILED, UNCERTAIN)  # what an operator may send again (and needs to look at)


def delivery_id(event_id: str, channel: str) -> str:
    return f"{event_id}:{channel}"


def resend_id(original_id: str, number: int) -> str:
    return f"{original_id}:resend-{number}"


def resend_number(record_id: str) -> int:
    """The n of "<original id>:resend-<n>"."""
    return int(record_id.rsplit("-", 1)[1])


class ResendNumberTaken(Exception):
    """Another request created the re-send with this number first (two re-sends asked at once)."""
