"""Who is calling: a reviewer's bearer token (API) or login session (console), and their role.

Both are checked against the account on every request: a deactivated account, or one whose
password was reset, is refused at once; the role is the account's current one."""
import functools

from flask import current_app, g, redirect, request, session, url_for
from werkzeug.exceptions import Forbidden, Unauthorized

from servicekit.requests import bearer_token
from verification.bootstrap import verification_for
from verification.service_layer.reviewers import resolve_token, session_reviewer


def verification():
    return verification_for(current_app.config["SERVICE_CONFIG"])


def requires_role(*roles: str):
    """API views: 401 without a valid token, 403 when the reviewer's role is not one of `roles`."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            token = bearer_token()
            who = resolve_token(verification(), token) if token else None
            if who is None:
                raise Unauthorized("Send a reviewer's token: 'Authorization: Bearer <token>' (POST /api/v1/auth/token).")
            if who["role"] not in roles:
                raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
            g.reviewer = who
            return view(*args, **kwargs)
        return wrapper
    return decorate


def console_login_required(*roles: str):
    """Console pages: to the login page without a live session (none, or its account deactivated or
    its password reset since); 403 for the wrong role."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            who = session_reviewer(verification(), session.get("reviewer"))
            if who is None:
                session.clear()
                return redirect(url_for("console.login", next=request.path))
            if session["reviewer"] != who:
                session["reviewer"] = who  # the page header shows the current role
            if roles and who["role"] not in roles:
                raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
            g.reviewer = who
            return view(*args, **kwargs)
        return wrapper
    return decorate
