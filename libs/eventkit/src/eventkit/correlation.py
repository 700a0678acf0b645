"""The correlation id of the request or message being handled, for logs and new events."""
import contextvars
import re
import uuid

_current = contextvars.ContextVar("correlation_id", default=None)
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str | None:
    return _current.get()


def set_correlation_id(value: str | None) -> contextvars.Token:
    """Set the id for the current context; a malformed value from outside is replaced."""
    if not value or not _ACCEPTABLE.match(value):
        value = new_correlation_id()
    return _current.set(value)


def reset_correlation_id(token: contextvars.Token) -> None:
    _current.reset(token)
