"""The scheduler's use case: the reminders before a registration expires, and its expiry, each once.

A registration carries its expiry and reminder times from the day it was issued (domain.registration).
Each run takes the registrations with something due: a reminder is one conditional write of the case with
RegistrationExpiring (notification tells the registrant); the expiry is a state change like every decision
(the case's state and version as read) with RegistrationExpired, on which intake, the directory and
notification act; the end of an expired registration's renewal grace period (RENEWAL_GRACE_DAYS) is one
conditional write with RenewalGraceEnded, on which intake frees the CNIC. Two schedulers, or a run
repeated after a crash, send and expire each once: the second write finds the case moved on.
"""
import dataclasses
import datetime as dt
import logging

from eventkit.envelope import InvalidMessage
from verification.domain import case as states
from verification.domain import events
from verification.domain.case import SYSTEM, Transition, audit_entry
from verification.domain.registration import expired, expiry_of_earlier, reminder_due, reminders_from
from verification.service_layer import decisions
from verification.service_layer.dependencies import Dependencies

BATCH = 200  # registrations read per query
SCHEDULED_PER_SWEEP = 1000  # earlier registrations given their expiry per run: a bounded share of each run
log = logging.getLogger(__name__)


@dataclasses.dataclass
class Sweep:
    reminded: int = 0
    expired: int = 0
    grace_ended: int = 0  # expired registrations whose renewal grace period ended (their CNIC freed)
    scheduled: int = 0  # earlier registrations given their expiry


def schedule_earlier_registrations(deps: Dependencies, limit: int = SCHEDULED_PER_SWEEP) -> int:
    """Give up to `limit` registrations issued before expiry was scheduled their expiry (the end of their
    valid-until day) and reminders, so they expire like the others. A bounded number per run: a stack
    holding hundreds of thousands is caught up over a few hundred runs, long before the first of them
    expires, without holding up anything at start."""
    scheduled = 0
    for case in deps.cases.unscheduled_registrations(limit):
        decision = case["decision"]
        expiry = expiry_of_earlier(decision["at"], dt.date.fromisoformat(decision["valid_until"]), deps.reminder_days)
        scheduled += deps.cases.schedule_expiry(case, expiry.expires_at, expiry.reminders)
    return scheduled


def sweep(deps: Dependencies, now: dt.datetime | None = None) -> Sweep:
    """Send every reminder due by `now` (the clock's by default) and expire every registration past its
    validity; returns how many of each this run did."""
    now = now or deps.now()
    done = Sweep(scheduled=schedule_earlier_registrations(deps))
    while True:
        batch = deps.cases.due_registrations(now, BATCH)
        moved = 0
        for case in batch:
            try:
                if case["state"] == states.EXPIRED:
                    ended = _end_grace(deps, case, now)
                    moved += ended
                    done.grace_ended += ended
                elif case["expires_at"] <= now:
                    expired = _expire(deps, case, now)
                    moved += expired
                    done.expired += expired
                else:
                    reminded = _remind(deps, case, now)
                    moved += reminded
                    done.reminded += reminded
            except InvalidMessage as exc:
                # one case whose sealed data this process cannot open (a key deployed wrongly) must not hold up
                # every other registration's reminders and expiry; it is tried again on the next run
                log.error("registration of %s skipped: %s", case["_id"], exc)
        # A full batch that moved nothing was all moved meanwhile (another scheduler): the next run sees to the rest.
        if len(batch) < BATCH or moved == 0:
            break
    if done.reminded or done.expired or done.scheduled or done.grace_ended:
        log.info("%d expiry reminders sent, %d registrations expired, %d renewal grace periods ended, "
                 "%d earlier registrations scheduled", done.reminded, done.expired, done.grace_ended, done.scheduled)
    return done


def _registration_payload(case: dict) -> dict:
    return {"registration_number": case["decision"]["registration_number"],
            "valid_until": case["decision"]["valid_until"], "expires_at": case["expires_at"].isoformat()}


def _remind(deps: Dependencies, case: dict, now: dt.datetime) -> bool:
    """Send the latest reminder due (earlier due ones are dropped unsent); False when the case moved on."""
    reminder, remaining = reminder_due(reminders_from(case.get("reminders") or []), now)
    if reminder is None:  # `due_at` is the first reminder's time, so one is due whenever the case is
        log.warning("registration of %s due at %s with no reminder due", case["_id"], case["due_at"])
        return False
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.EXPIRING, case, [], decisions.contact_of(deps, facts),
                                  days_before=reminder.days_before, **_registration_payload(case))
    detail = f"{reminder.days_before:g} days before the expiry on {case['decision']['valid_until']}"
    return deps.cases.record_reminder(case, remaining, audit_entry(SYSTEM, "expiry_reminder", detail, now), event)


def _expire(deps: Dependencies, case: dict, now: dt.datetime) -> bool:
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.EXPIRED, case, [], decisions.contact_of(deps, facts),
                                  **_registration_payload(case))
    change = Transition(case, states.EXPIRED, [], audit_entry(SYSTEM, "expired", case["decision"]["valid_until"], now),
                        [event], expiry=expired(case["expires_at"], deps.renewal_grace_days))
    return deps.cases.transition(change)


def _end_grace(deps: Dependencies, case: dict, now: dt.datetime) -> bool:
    """The expired registration can no longer be renewed: RenewalGraceEnded (intake frees the CNIC)."""
    event = events.decision_event(events.GRACE_ENDED, case, [], "", **_registration_payload(case))
    event["payload"].pop("contact")  # nobody is told: nothing the registrant has changes
    return deps.cases.record_grace_end(case, audit_entry(SYSTEM, "renewal_grace_ended", "", now), event)
