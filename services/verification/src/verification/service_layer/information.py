"""Asking the applicant for more (domain.information has the rules): the reviewer's request, the applicant's
answer as intake reports it, and the scheduler's reminder and deadline.

- `request_information`: a reviewer holding (or free to take) a case in review asks; the case waits for the
  applicant, leaves the queue and the reviewer's lease ends; InformationRequested tells intake (the status page
  shows the request) and notification (email and SMS, in the applicant's language).
- `information_provided` (InformationProvided from intake: every document asked for is uploaded): the case
  returns to review, at its place in the queue, the request kept with `answered_at` as the reviewer's context.
  An amendment needs nothing here: like any, it re-opens the case for the checks (service_layer.handlers).
- `sweep_information_requests` (the scheduler): the reminder (InformationReminder) and, at the deadline, the
  lapse (ApplicationLapsed, reason information_not_provided: intake frees the CNIC, notification tells them).
"""
import logging

from domainkit.reasons import reason
from eventkit.envelope import InvalidMessage
from verification.domain import case as states
from verification.domain import events
from verification.domain import queue as claims
from verification.domain.case import SYSTEM, Transition, audit_entry
from verification.domain.information import deadline_of, new_request
from verification.service_layer import decisions
from verification.service_layer.decisions import CaseClosed, CaseNotFound
from verification.service_layer.dependencies import Dependencies

BATCH = 200
LAPSE_CAUSE = "information_not_provided"
log = logging.getLogger(__name__)


def _request_payload(request: dict) -> dict:
    return {"message": request["message"], "documents": request["documents"], "fields": request["fields"],
            "respond_by": request["respond_by"].isoformat()}


def request_information(deps: Dependencies, application_id: str, reviewer: str, message: str,
                        documents: list[str], fields: list[str]) -> dict:
    """The request as the case keeps it; CaseNotFound, claims.ClaimedByAnother, domain.information.InvalidRequest,
    or CaseClosed when the case is not an application waiting for a reviewer."""
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case["state"] != states.IN_REVIEW:
        raise CaseClosed(case["state"])
    now = deps.now()
    claims.check_claim(case, reviewer, now)
    request = new_request(message, documents, fields, reviewer, now,
                          deadline_of(now, deps.information_deadline_days, deps.information_reminder_days))
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.INFORMATION_REQUESTED, case, case.get("reasons", []),
                                  decisions.contact_of(deps, facts), **_request_payload(request))
    change = Transition(case, states.AWAITING_APPLICANT, case.get("reasons", []),
                        audit_entry(f"reviewer:{reviewer}", "information_requested", request["message"], now), [event],
                        information_request=request, decided_by_reviewer=reviewer)
    if not deps.cases.transition(change):
        raise CaseClosed("changed meanwhile")
    return request


def information_provided(deps: Dependencies, envelope: dict) -> bool:
    """InformationProvided: back to review with the request kept as context; False when the case no longer
    waits for its applicant (amended meanwhile, lapsed, withdrawn) or this came before."""
    case = deps.cases.get(envelope["key"])
    if case is None or case["state"] != states.AWAITING_APPLICANT or not case.get("information_request"):
        return False
    now = deps.now()
    provided = ", ".join(envelope["payload"].get("documents", [])) or "answered"
    request = {**case["information_request"], "answered_at": now}
    return deps.cases.transition(Transition(case, states.IN_REVIEW, case.get("reasons", []),
                                            audit_entry("applicant", "information_provided", provided, now), [],
                                            information_request=request))


def sweep_information_requests(deps: Dependencies) -> tuple[int, int]:
    """Send each reminder due and lapse each request past its deadline; (reminded, lapsed) by this run."""
    reminded = lapsed = 0
    while True:
        now = deps.now()
        batch = deps.cases.due_information_requests(now, BATCH)
        moved = 0
        for case in batch:
            try:
                if case["information_request"]["respond_by"] <= now:
                    done = _lapse(deps, case, now)
                    lapsed += done
                else:
                    done = _remind(deps, case, now)
                    reminded += done
                moved += done
            except InvalidMessage as exc:  # one unreadable case must not hold up the others
                log.error("information request of %s skipped: %s", case["_id"], exc)
        if len(batch) < BATCH or moved == 0:
            break
    if reminded or lapsed:
        log.info("%d information reminders sent, %d applications lapsed for want of information", reminded, lapsed)
    return reminded, lapsed


def _remind(deps: Dependencies, case: dict, now) -> bool:
    request = case["information_request"]
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.INFORMATION_REMINDER, case, [], decisions.contact_of(deps, facts),
                                  **_request_payload(request))
    detail = f"the deadline is {request['respond_by'].isoformat(timespec='minutes')}"
    return deps.cases.record_information_reminder(case, audit_entry(SYSTEM, "information_reminder", detail, now),
                                                  event)


def _lapse(deps: Dependencies, case: dict, now) -> bool:
    respond_by = case["information_request"]["respond_by"].date().isoformat()
    reasons = [reason(LAPSE_CAUSE, respond_by=respond_by)]
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.LAPSED, case, reasons, decisions.contact_of(deps, facts), cause=LAPSE_CAUSE)
    return deps.cases.transition(Transition(
        case, states.LAPSED, reasons, audit_entry(SYSTEM, "lapsed", reasons[0], now), [event],
        decision=decisions.decision_record(states.LAPSED, SYSTEM, now, reasons),
        information_request={**case["information_request"], "lapsed_at": now}))
