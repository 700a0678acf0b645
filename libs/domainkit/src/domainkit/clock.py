"""The time every service works in: aware UTC datetimes (the default clock of each service's
Dependencies; unit tests pass a clock of their own)."""
import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
