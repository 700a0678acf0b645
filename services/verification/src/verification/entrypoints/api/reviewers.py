"""Admins manage reviewer accounts: create, deactivate, reactivate, reset a password (each audited
in the account's log); admins and auditors read an account and its log."""
from flask import g
from flask_smorest import Blueprint
from werkzeug.exceptions import Conflict, NotFound

from servicekit.requests import json_body
from verification.entrypoints.auth import requires_role, verification
from verification.entrypoints.schemas import (NewPasswordSchema, NewReviewerSchema, ReviewerAccountSchema,
                                              ReviewerSchema)
from verification.service_layer import reviewers

blp = Blueprint("reviewers", __name__, url_prefix="/api/v1",
                description="Reviewer accounts: created, deactivated, reactivated and given new passwords by admins")
NOT_FOUND = "No reviewer account with that username."


def _actor() -> str:
    return f"reviewer:{g.reviewer['username']}"


@blp.route("/reviewers", methods=["POST"])
@requires_role("admin")
@json_body()
@blp.arguments(NewReviewerSchema())
@blp.response(201, ReviewerSchema)
@blp.alt_response(409, description="An account with that username exists already")
def add_reviewer(account):
    """Create a reviewer account (admins only)."""
    try:
        reviewers.create_reviewer(verification(), account["username"], account["password"], account["role"],
                                  actor=_actor())
    except reviewers.InvalidAccount as exc:
        raise Conflict(str(exc)) from None
    return {"username": account["username"], "role": account["role"]}


@blp.route("/reviewers/<username>")
@requires_role("admin", "auditor")
@blp.response(200, ReviewerAccountSchema)
@blp.alt_response(404, description=NOT_FOUND)
def account(username):
    """An account: its role, whether it is active, and its audit log."""
    try:
        return reviewers.account_view(verification(), username)
    except reviewers.AccountNotFound:
        raise NotFound(NOT_FOUND) from None


@blp.route("/reviewers/<username>/deactivate", methods=["POST"])
@requires_role("admin")
@blp.response(200, ReviewerAccountSchema)
@blp.alt_response(404, description=NOT_FOUND)
@blp.alt_response(409, description="An admin cannot deactivate their own account")
def deactivate(username):
    """Deactivate an account: it cannot sign in, and its console sessions and API tokens are refused
    from their next request (tokens are revoked). Deactivating an inactive account changes nothing."""
    try:
        reviewers.deactivate_reviewer(verification(), username, _actor())
        return reviewers.account_view(verification(), username)
    except reviewers.AccountNotFound:
        raise NotFound(NOT_FOUND) from None
    except reviewers.OwnAccount as exc:
        raise Conflict(f"{exc}.") from None


@blp.route("/reviewers/<username>/reactivate", methods=["POST"])
@requires_role("admin")
@blp.response(200, ReviewerAccountSchema)
@blp.alt_response(404, description=NOT_FOUND)
def reactivate(username):
    """Let a deactivated account sign in again (sessions and tokens from before stay ended)."""
    try:
        reviewers.reactivate_reviewer(verification(), username, _actor())
        return reviewers.account_view(verification(), username)
    except reviewers.AccountNotFound:
        raise NotFound(NOT_FOUND) from None


@blp.route("/reviewers/<username>/password", methods=["POST"])
@requires_role("admin")
@json_body()
@blp.arguments(NewPasswordSchema())
@blp.response(200, ReviewerAccountSchema)
@blp.alt_response(404, description=NOT_FOUND)
def reset_password(body, username):
    """Give an account a new password: the old one stops working, and so do its sessions and tokens."""
    try:
        reviewers.reset_password(verification(), username, body["password"], _actor())
        return reviewers.account_view(verification(), username)
    except reviewers.AccountNotFound:
        raise NotFound(NOT_FOUND) from None
