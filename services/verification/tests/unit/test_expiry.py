"""The scheduler's reminders and expiry, against in-memory repositories: a registration gets each reminder
once, at its time (a stale one dropped when a later one is due), then expires once with RegistrationExpired;
a second scheduler, or a rerun, changes nothing."""
import datetime as dt

import pytest

from verification.domain import case as states
from verification.domain.registration import expiry_of, parse_reminder_days, reminder_due
from verification.service_layer.expiry import Sweep, sweep

DAY = dt.timedelta(days=1)


def issued_at(deps, application_id):
    return deps.cases.get(application_id)["expires_at"] - dt.timedelta(days=deps.validity_days)


def test_the_registration_carries_its_expiry_and_reminders(deps, registered):
    case = deps.cases.get(registered())
    [issued] = [e for e in case["outbox"] if e["event_type"] == "RegistrationIssued"]
    assert issued["payload"]["valid_until"] == case["decision"]["valid_until"] == case["expires_at"].date().isoformat()
    assert issued["payload"]["expires_at"] == case["expires_at"].isoformat()
    assert [r["days_before"] for r in case["reminders"]] == [30, 7]
    assert case["due_at"] == case["expires_at"] - 30 * DAY


def test_each_reminder_once_at_its_time_then_the_expiry_once(deps, registered):
    application_id = registered()
    start = issued_at(deps, application_id)
    assert sweep(deps, start + 300 * DAY) == Sweep()  # nothing due yet
    assert sweep(deps, start + 336 * DAY).reminded == 1  # 30 days before
    assert sweep(deps, start + 340 * DAY).reminded == 0  # sent already
    assert sweep(deps, start + 359 * DAY).reminded == 1  # 7 days before
    done = sweep(deps, start + 365 * DAY + dt.timedelta(seconds=1))
    assert (done.reminded, done.expired) == (0, 1)
    assert sweep(deps, start + 380 * DAY) == Sweep()  # expired once; its renewal grace period still runs
    case = deps.cases.get(application_id)
    assert case["state"] == states.EXPIRED and case["due_at"] == case["expires_at"] + 30 * DAY
    reminders = [e["payload"] for e in case["outbox"] if e["event_type"] == "RegistrationExpiring"]
    assert [r["days_before"] for r in reminders] == [30, 7]
    assert all(r["registration_number"] == case["decision"]["registration_number"] and r["contact"] for r in reminders)
    assert deps.cases.events(application_id)[-1] == "RegistrationExpired"
    assert [a["action"] for a in case["audit"]][-3:] == ["expiry_reminder", "expiry_reminder", "expired"]


def test_the_grace_period_ends_once_thirty_days_after_the_expiry(deps, registered):
    application_id = registered()
    expires_at = deps.cases.get(application_id)["expires_at"]
    sweep(deps, expires_at)
    assert sweep(deps, expires_at + 30 * DAY - dt.timedelta(seconds=1)).grace_ended == 0
    assert sweep(deps, expires_at + 30 * DAY).grace_ended == 1
    assert sweep(deps, expires_at + 90 * DAY) == Sweep()
    case = deps.cases.get(application_id)
    ended = case["outbox"][-1]
    assert ended["event_type"] == "RenewalGraceEnded" and "contact" not in ended["payload"]
    assert ended["payload"]["registration_number"] == case["decision"]["registration_number"]
    assert case["due_at"] is None and case["state"] == states.EXPIRED


def test_a_scheduler_back_after_weeks_sends_only_the_latest_reminder(deps, registered):
    application_id = registered()
    start = issued_at(deps, application_id)
    assert sweep(deps, start + 360 * DAY).reminded == 1
    reminders = [e["payload"]["days_before"] for e in deps.cases.get(application_id)["outbox"]
                 if e["event_type"] == "RegistrationExpiring"]
    assert reminders == [7]


def test_a_second_scheduler_with_the_same_reading_does_nothing(deps, registered):
    application_id = registered()
    start = issued_at(deps, application_id)
    [read] = deps.cases.due_registrations(start + 336 * DAY, 10)
    assert sweep(deps, start + 336 * DAY).reminded == 1
    deps.cases.due_registrations = lambda now, limit: [read]  # the other scheduler read it before the first wrote
    assert sweep(deps, start + 336 * DAY).reminded == 0
    assert deps.cases.events(application_id).count("RegistrationExpiring") == 1


def test_a_registration_issued_before_expiry_was_scheduled_gets_it_once(deps, registered):
    application_id = registered()
    stored = deps.cases.cases[application_id]
    for field in ("expires_at", "reminders", "due_at"):  # as the earlier versions left it
        stored.pop(field)
    stored["decision"]["valid_until"] = "2027-11-30"
    done = sweep(deps, dt.datetime(2027, 11, 20, tzinfo=dt.timezone.utc))
    assert (done.scheduled, done.reminded) == (1, 1)  # scheduled, then its 30-day reminder was already due
    case = deps.cases.get(application_id)
    assert case["expires_at"] == dt.datetime(2027, 12, 1, tzinfo=dt.timezone.utc)  # the whole last day valid
    assert [r["days_before"] for r in case["reminders"]] == [7]
    assert sweep(deps, dt.datetime(2027, 11, 20, tzinfo=dt.timezone.utc)).scheduled == 0


def test_validities_of_minutes_for_tests():
    minute = 1 / 1440
    expiry = expiry_of(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), 3 * minute, (2 * minute, minute, 5 * minute))
    assert expiry.expires_at == dt.datetime(2026, 1, 1, 0, 3, tzinfo=dt.timezone.utc)
    assert [r.at.minute for r in expiry.reminders] == [1, 2]  # 5 minutes before would be before the issue


def test_reminder_due_and_the_setting():
    expiry = expiry_of(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), 365, (30, 7))
    assert reminder_due(expiry.reminders, dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)) == (None, expiry.reminders)
    assert reminder_due(expiry.reminders, expiry.expires_at) == (expiry.reminders[1], ())
    assert parse_reminder_days("7, 30,7") == (30, 7)
    with pytest.raises(ValueError, match="EXPIRY_REMINDER_DAYS"):
        parse_reminder_days("30,soon")
    with pytest.raises(ValueError, match="more than 0"):
        parse_reminder_days("0")


def test_a_registration_this_process_cannot_unseal_holds_up_no_other(deps, registered):
    unreadable, readable = registered(), registered()
    deps.cases.cases[unreadable]["sealed"] = "v1:garbage"  # sealed under a key this process does not hold
    start = issued_at(deps, readable)
    assert sweep(deps, start + 336 * DAY).reminded == 1
    assert deps.cases.events(readable)[-1] == "RegistrationExpiring"
    assert deps.cases.events(unreadable)[-1] == "RegistrationIssued"
