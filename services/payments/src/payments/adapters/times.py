"""Times and days as payments stores them.

BSON has a datetime (UTC, to the millisecond) and no date. Times are stored as BSON datetimes, cut to
the millisecond and in UTC, and read back aware (a client built without tz_aware gives naive UTC ones,
made aware here), so what a repository returns after a write equals what a later read returns. Days
(a voucher's due date) are stored as "YYYY-MM-DD" strings, which sort as the days do, so a range
query on them is a range of days.
"""
import datetime as dt


def stored_time(at: dt.datetime | None) -> dt.datetime | None:
    """An aware time as it comes back from the database: UTC, whole milliseconds."""
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError("times are stored timezone-aware")
    at = at.astimezone(dt.timezone.utc)
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def read_time(at: dt.datetime | None) -> dt.datetime | None:
    """A stored time, aware in UTC whatever the client's tz_aware setting."""
    if at is None:
        return None
    return at.replace(tzinfo=dt.timezone.utc) if at.tzinfo is None else at.astimezone(dt.timezone.utc)


def stored_day(day: dt.date) -> str:
    return day.isoformat()


def read_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
