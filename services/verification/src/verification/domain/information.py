"""Asking the applicant for more: a reviewer returns a case in review with a message and the documents or fields
needed; the case waits for the applicant (AWAITING_APPLICANT, out of the queue) until intake says they answered
(InformationProvided: every document asked for uploaded) or amended the application (which re-opens the case for
the checks, like any amendment). One reminder goes REMINDER_DAYS before the deadline; at the deadline the
application lapses (reason `information_not_provided`).

An amendment answers it too: the case goes through the checks again, and to the reviewer whatever they find
(short of a rejection), never approved automatically, since the reviewer asked.

The request stays on the case once answered (with `answered_at`), so the reviewer who picks the case up again
sees what was asked and when it came.
"""
import dataclasses
import datetime as dt

from domainkit.documents import APPLICATION_KINDS

MESSAGE_MAX = 2000
# What a reviewer may ask to be corrected (the application form's fields an amendment changes).
FIELDS = ("full_name", "father_name", "date_of_birth", "gender", "address", "city", "province", "email", "mobile",
          "skills", "platforms", "headline", "education", "experience_years", "portfolio_url")


class InvalidRequest(ValueError):
    """Field → messages, as the API and the console show them."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class Deadline:
    respond_by: dt.datetime
    reminder_at: dt.datetime | None  # None when the deadline is too close for a reminder


def deadline_of(now: dt.datetime, deadline_days: float, reminder_days: float) -> Deadline:
    """The applicant answers within `deadline_days`; reminded `reminder_days` before, if that is still ahead."""
    respond_by = now + dt.timedelta(days=deadline_days)
    reminder_at = respond_by - dt.timedelta(days=reminder_days)
    return Deadline(respond_by, reminder_at if reminder_at > now else None)


def new_request(message: str, documents: list[str], fields: list[str], reviewer: str, now: dt.datetime,
                deadline: Deadline) -> dict:
    """What the case keeps of the request; InvalidRequest naming each wrong field."""
    errors: dict[str, list[str]] = {}
    message = (message or "").strip()
    if not message:
        errors["message"] = ["Say what the applicant should send or correct."]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [f"At most {MESSAGE_MAX} characters."]
    unknown_documents = [d for d in documents if d not in APPLICATION_KINDS]
    if unknown_documents:
        errors["documents"] = [f"Not a document an application carries: {', '.join(unknown_documents)}."]
    unknown_fields = [f for f in fields if f not in FIELDS]
    if unknown_fields:
        errors["fields"] = [f"Not a field of the application: {', '.join(unknown_fields)}."]
    if errors:
        raise InvalidRequest(errors)
    return {"message": message, "documents": list(dict.fromkeys(documents)), "fields": list(dict.fromkeys(fields)),
            "requested_by": reviewer, "requested_at": now, "respond_by": deadline.respond_by,
            "reminder_at": deadline.reminder_at, "reminded_at": None, "answered_at": None}


def next_due(request: dict) -> dt.datetime:
    """When the scheduler next has something to do for a waiting request: its reminder, else its deadline."""
    if request.get("reminder_at") and not request.get("reminded_at"):
        return request["reminder_at"]
    return request["respond_by"]


def answered_by_amendment(case: dict, now: dt.datetime) -> dict | None:
    """The case's waiting request, answered now by the amendment being checked; None when none waits. The checks
    then never approve the case by themselves: the reviewer who asked decides (service_layer.decisions)."""
    request = case.get("information_request")
    if not request or request.get("answered_at") or request.get("lapsed_at"):
        return None
    return {**request, "answered_at": now}
