"""A sign-in by one-time code, as the signed session cookie keeps it: the blind index of the address signed in
with and the time it began; it lasts SIGN_IN_MINUTES."""
import datetime as dt

from flask import current_app, session

from domainkit.clock import utc_now

SESSION_KEY = "signed_in"


def begin_sign_in(address_index: str) -> None:
    """Sign the visitor in as the holder of the address (a new sign-in replaces any other)."""
    session[SESSION_KEY] = {"index": address_index, "at": utc_now().isoformat()}


def signed_in_address() -> str | None:
    """The blind index of the address the visitor signed in with, while the sign-in lasts; None otherwise."""
    signed = session.get(SESSION_KEY)
    if not isinstance(signed, dict) or "index" not in signed or "at" not in signed:
        return None
    began = dt.datetime.fromisoformat(signed["at"])
    if utc_now() - began > dt.timedelta(minutes=current_app.config["SERVICE_CONFIG"].sign_in_minutes):
        session.pop(SESSION_KEY, None)
        return None
    return signed["index"]
