"""Dates and numbers written the way the page's language writes them (Babel's CLDR data), as Jinja
filters: `{{ when|day }}`, `{{ when|moment }}`, `{{ amount|number }}`, `{{ cnic|ltr }}`."""
from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal


def day(value: date | datetime | str | None) -> str:
    """A calendar day, e.g. "2 December 2026" or "2 دسمبر، 2026"."""
    value = _parsed(value)
    return format_date(value, format="long") if value else ""


def moment(value: datetime | str | None) -> str:
    """A day and a time to the minute, in Pakistan's time zone when BABEL_DEFAULT_TIMEZONE says so."""
    value = _parsed(value)
    if not value:
        return ""
    if not isinstance(value, datetime):
        return format_date(value, format="long")
    return format_datetime(value, format="d MMMM y, HH:mm")


def isolated_ltr(value) -> str:
    """`value` (a CNIC, a phone or registration number) kept left-to-right inside Urdu text: Unicode's
    left-to-right isolate around it, so the bidirectional algorithm cannot reorder its digit groups."""
    return f"\u2066{value}\u2069"


def number(value) -> str:
    return "" if value is None else format_decimal(value)


def _parsed(value):
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    return value
