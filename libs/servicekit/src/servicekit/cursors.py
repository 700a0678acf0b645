"""Opaque page cursors for lists ordered by (time, id): the API hands out the last item's time
and id, and the next page starts after them. Times are kept to the millisecond, as MongoDB does."""
import base64
import binascii
import datetime as dt

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def encode_cursor(at: dt.datetime, item_id: str) -> str:
    millis = round(at.timestamp() * 1000)
    return base64.urlsafe_b64encode(f"{millis}|{item_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    """(time, id) of the last item of the previous page; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        millis, item_id = raw.split("|", 1)
        at = EPOCH + dt.timedelta(milliseconds=int(millis))
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError) as exc:
        raise ValueError("not a cursor from a previous page") from exc
    if not item_id:
        raise ValueError("not a cursor from a previous page")
    return at, item_id
