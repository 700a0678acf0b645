"""CSRF protection for server-rendered forms: a random token in the signed session cookie,
repeated in a hidden field, compared in constant time on every POST."""
import hmac
import secrets

from flask import request, session
from werkzeug.exceptions import BadRequest

FIELD = "csrf_token"


def csrf_token() -> str:
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def check_csrf() -> None:
    sent = request.form.get(FIELD, "")
    expected = session.get(FIELD, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise BadRequest("This form has expired or was not sent from this site. Reload the page and try again.")


def install_csrf(app) -> None:
    """Templates get csrf_token(); every POST to a page (not the JSON API) is checked."""
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def protect_forms():
        # a POST no page accepts gets its 404/405 from routing, not a CSRF error
        if request.method == "POST" and request.routing_exception is None and not request.path.startswith("/api/"):
            check_csrf()
