"""Admins revoke and reinstate registrations, four eyes each: one admin asks with a reason, a second confirms
(or any admin cancels). Every step is written to the case's audit log."""
from flask import g
from flask_smorest import Blueprint
from werkzeug.exceptions import Conflict, NotFound

from servicekit.requests import json_body
from verification.domain import board_actions as rules
from verification.entrypoints.auth import requires_role, verification
from verification.entrypoints.schemas import (AwaitingListSchema, BoardActionRequestSchema, CaseSchema,
                                              PendingActionSchema)
from verification.service_layer import board_actions, views
from verification.service_layer.decisions import CaseNotFound

blp = Blueprint("board_actions", __name__, url_prefix="/api/v1",
                description="Revocation and reinstatement of a registration, each by two admins")
# the path's name of each action; an approval over a hard finding is asked for through POST /reviews/{id}/decision
ACTIONS = {"revocation": rules.REVOKE, "reinstatement": rules.REINSTATE, "approval": rules.APPROVE}
NOT_FOUND = "No registration for that application."


def _kind(action: str) -> str:
    if action not in ACTIONS:
        raise NotFound("Only revocation and reinstatement are board actions.")
    return ACTIONS[action]


def _step(step):
    """One step of a board action, its refusals as HTTP answers: 404 for no registration, 409 otherwise."""
    try:
        return step()
    except CaseNotFound:
        raise NotFound(NOT_FOUND) from None
    except rules.ActionRefused as exc:
        raise Conflict(str(exc)) from None


@blp.route("/registrations/<application_id>/<action>", methods=["POST"])
@requires_role("admin")
@json_body()
@blp.arguments(BoardActionRequestSchema())
@blp.response(202, PendingActionSchema)
@blp.alt_response(409, description="The registration is not in a state the action applies to, or a request waits")
def request_action(body, application_id, action):
    """Ask for a revocation or reinstatement (`action`); it waits for a second admin's confirmation."""
    kind = _kind(action)
    if kind == rules.APPROVE:
        raise NotFound("An approval is asked for through POST /api/v1/reviews/{id}/decision.")
    return _step(lambda: board_actions.request_action(verification(), application_id, kind, g.reviewer["username"],
                                                      body["reason"].strip()).as_dict())


@blp.route("/registrations/<application_id>/<action>/confirmation", methods=["POST"])
@requires_role("admin")
@blp.response(200, CaseSchema)
@blp.alt_response(409, description="Nothing to confirm, the same admin who asked, or the case changed")
def confirm_action(application_id, action):
    """Confirm another's request: the registration is revoked (or reinstated), or the application over a hard
    finding approved in principle, and everyone is told."""
    kind = _kind(action)
    _step(lambda: board_actions.confirm_action(verification(), application_id, kind, g.reviewer["username"]))
    return views.case_view(verification(), application_id, g.reviewer["username"], audited=False)


@blp.route("/registrations/<application_id>/<action>", methods=["DELETE"])
@requires_role("admin")
@blp.response(204)
@blp.alt_response(409, description="No such request waits on the case")
def cancel_action(application_id, action):
    """Cancel a request waiting for confirmation (the admin who asked, or another)."""
    kind = _kind(action)
    _step(lambda: board_actions.cancel_action(verification(), application_id, kind, g.reviewer["username"]))


@blp.route("/registrations/awaiting-confirmation")
@requires_role("admin", "auditor")
@blp.response(200, AwaitingListSchema)
def awaiting_confirmation():
    """The revocations, reinstatements and approvals over a hard finding waiting for a second admin, the oldest
    first."""
    return {"items": board_actions.awaiting_second_admin(verification())}
