"""A registration's time limits: when it expires, and the reminders its registrant gets before then.

Both are fixed when the registration is issued (from the settings of that day), kept on the case, and
acted on by the scheduler (service_layer/expiry.py): a later change of the settings does not move the
expiry of a registration already issued. A reminder is sent at most once; when several fall due
together (a scheduler that was down for days, or a validity shorter than the first offset) only the
latest is sent, since "30 days left" is wrong once 7 remain."""
import dataclasses
import datetime as dt

from domainkit import lifecycle


@dataclasses.dataclass(frozen=True)
class Reminder:
    days_before: float  # how long before the expiry it is sent
    at: dt.datetime  # when it falls due


@dataclasses.dataclass(frozen=True)
class Expiry:
    """When a registration stops being valid, and the reminders still to send before it (soonest first)."""
    expires_at: dt.datetime
    reminders: tuple[Reminder, ...]
    # once expired: when the renewal grace period ends (the scheduler then frees the CNIC); None before
    grace_ends_at: dt.datetime | None = None

    @property
    def valid_until(self) -> dt.date:
        """The last day it is valid (for part of it, or all of it when it expires at midnight), as the
        certificate, the directory and verify show it."""
        return (self.expires_at - dt.timedelta(microseconds=1)).date()


def expiry_of(issued_at: dt.datetime, validity_days: float, reminder_days: tuple[float, ...]) -> Expiry:
    """The expiry of a registration issued at `issued_at`, valid `validity_days` (fractions of a day allowed:
    tests use minutes), with a reminder `reminder_days` before it (each once; none before the issue)."""
    return _with_reminders(issued_at, issued_at + dt.timedelta(days=validity_days), reminder_days)


def renewed_expiry(old_expires_at: dt.datetime, renewed_at: dt.datetime, validity_days: float,
                   reminder_days: tuple[float, ...]) -> Expiry:
    """A renewed registration's expiry: one more period from the old expiry (not from the day the fee was
    paid: domainkit.lifecycle.renewed_expiry), with the reminders before it that are still ahead."""
    return _with_reminders(renewed_at, lifecycle.renewed_expiry(old_expires_at, validity_days), reminder_days)


def expired(expiry_at: dt.datetime, grace_days: float) -> Expiry:
    """An expired registration: no reminders left, its renewal grace period ending `grace_days` after it."""
    return Expiry(expiry_at, (), expiry_at + dt.timedelta(days=grace_days))


def expiry_of_earlier(issued_at: dt.datetime, valid_until: dt.date, reminder_days: tuple[float, ...]) -> Expiry:
    """The expiry of a registration issued before expiry was scheduled, known only by its last valid day:
    it ends when that day does (UTC), as the directory has always read it."""
    return _with_reminders(issued_at, lifecycle.expires_at_of(valid_until), reminder_days)


def _with_reminders(issued_at: dt.datetime, expires_at: dt.datetime, reminder_days: tuple[float, ...]) -> Expiry:
    reminders = sorted((Reminder(days, expires_at - dt.timedelta(days=days)) for days in set(reminder_days)
                        if days > 0 and expires_at - dt.timedelta(days=days) > issued_at), key=lambda r: r.at)
    return Expiry(expires_at, tuple(reminders))


def reminder_due(reminders: tuple[Reminder, ...], now: dt.datetime) -> tuple[Reminder | None, tuple[Reminder, ...]]:
    """(the reminder to send now, or None; the reminders left after it): the latest one due, the earlier
    due ones dropped unsent."""
    due = [r for r in reminders if r.at <= now]
    return (due[-1] if due else None), tuple(r for r in reminders if r.at > now)


def reminders_from(stored: list[dict]) -> tuple[Reminder, ...]:
    """The reminders as a case keeps them ([{days_before, at}], soonest first)."""
    return tuple(Reminder(r["days_before"], r["at"]) for r in stored)


def parse_reminder_days(text: str) -> tuple[float, ...]:
    """`EXPIRY_REMINDER_DAYS` ("30,7"): the offsets, in days before the expiry; ValueError naming the bad one."""
    days = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"EXPIRY_REMINDER_DAYS: {part!r} is not a number of days") from None
        if value <= 0:
            raise ValueError(f"EXPIRY_REMINDER_DAYS: {part!r} must be more than 0")
        days.append(value)
    return tuple(sorted(set(days), reverse=True))
