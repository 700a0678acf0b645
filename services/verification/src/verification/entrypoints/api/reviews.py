"""The reviewers' API: sign in, the queue, a case with its checks and documents, decisions, audit."""
from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import RAISE
from werkzeug.exceptions import BadGateway, Conflict, NotFound, Unauthorized

from servicekit.rate_limit import rate_limited
from servicekit.requests import json_body
from verification.entrypoints.auth import requires_role, verification
from verification.domain import board_actions as board_rules
from verification.domain import queue as queue_rules
from verification.entrypoints.schemas import (AuditSchema, CaseSchema, DecisionSchema, InformationRequestBodySchema,
                                              LeaseSchema, LoginSchema, QueueQuerySchema, QueueSchema, TokenSchema,
                                              WorkloadSchema)
from verification.service_layer import claims, decisions, information, reviewers, reviewing, views

blp = Blueprint("reviews", __name__, url_prefix="/api/v1", description="Reviewers work the queue of flagged cases")
READERS = ("reviewer", "admin", "auditor")


@blp.route("/auth/token", methods=["POST"])
@rate_limited("login")
@json_body()
@blp.arguments(LoginSchema())
@blp.response(200, TokenSchema)
def token(credentials):
    """Exchange a reviewer's username and password for a bearer token."""
    account = reviewers.authenticate(verification(), credentials["username"], credentials["password"])
    if account is None:
        raise Unauthorized("Wrong username or password.")
    access_token, expires_at = reviewers.issue_token(verification(), account)
    return {"access_token": access_token, "token_type": "Bearer", "expires_at": expires_at, "role": account["role"]}


@blp.route("/reviews")
@requires_role(*READERS)
@blp.arguments(QueueQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, QueueSchema)
def queue(query):
    """Cases by state, the longest waiting first: `pending` (waiting for a reviewer), `decided`, or `all`; paged
    with `cursor`; searched with `q` and narrowed by the filters."""
    return views.queue(verification(), query.pop("state"), query.pop("limit"), query.pop("cursor"), query.pop("q"),
                       reviewer=g.reviewer["username"], **query)


@blp.route("/reviews/workload")
@requires_role(*READERS)
@blp.response(200, WorkloadSchema)
def workload():
    """What waits for reviewers, how much of it nobody has claimed and how much I hold."""
    return views.workload(verification(), g.reviewer["username"])


@blp.route("/reviews/<application_id>/claim", methods=["POST"])
@requires_role("reviewer", "admin")
@blp.response(200, LeaseSchema)
@blp.alt_response(409, description="Another reviewer holds the case, or it is not waiting for a reviewer")
def claim(application_id):
    """Claim a case waiting for a reviewer, or renew my claim: nobody else can claim or decide it until the
    lease ends (REVIEW_LEASE_MINUTES) or I decide or release it."""
    try:
        return claims.claim(verification(), application_id, g.reviewer["username"]).as_dict()
    except decisions.CaseNotFound:
        raise NotFound("No case for that application.") from None
    except (queue_rules.ClaimedByAnother, queue_rules.NotClaimable) as exc:
        raise Conflict(_claim_refusal(exc)) from None


@blp.route("/reviews/<application_id>/claim", methods=["DELETE"])
@requires_role("reviewer", "admin")
@blp.response(204)
@blp.alt_response(409, description="I hold no claim on that case")
def release(application_id):
    """Let a case I claimed go before my lease ends, so another reviewer can take it."""
    try:
        released = claims.release(verification(), application_id, g.reviewer["username"])
    except decisions.CaseNotFound:
        raise NotFound("No case for that application.") from None
    if not released:
        raise Conflict("You hold no claim on this case.")


def _claim_refusal(exc: Exception) -> str:
    if isinstance(exc, queue_rules.ClaimedByAnother):
        return f"{exc.lease.reviewer} is working on this case until {exc.lease.until.isoformat()}."
    return "This case is not waiting for a reviewer."


@blp.route("/reviews/<application_id>")
@requires_role(*READERS)
@blp.response(200, CaseSchema)
def case(application_id):
    """A case with everything filed, every check's result, the documents and the decision."""
    try:
        return views.case_view(verification(), application_id, g.reviewer["username"], role=g.reviewer["role"])
    except decisions.CaseNotFound:
        raise NotFound("No case for that application.") from None


@blp.route("/reviews/<application_id>/documents/<kind>")
@requires_role(*READERS)
@blp.doc(responses={200: {"description": "The document, fetched from intake", "content": {"application/octet-stream": {}}}})
def document(application_id, kind):
    """One of the case's documents (fetched from intake; the look is audited)."""
    try:
        content_type, content = views.document(verification(), application_id, kind, g.reviewer["username"],
                                                  role=g.reviewer["role"])
    except decisions.CaseNotFound:
        raise NotFound("No such document for that case.") from None
    except views.DocumentUnavailable as exc:
        raise BadGateway(f"The document could not be fetched from intake: {exc}") from None
    return Response(content, content_type=content_type, headers={"Cache-Control": "no-store"})


@blp.route("/reviews/<application_id>/decision", methods=["POST"])
@requires_role("reviewer", "admin")
@json_body()
@blp.arguments(DecisionSchema())
@blp.response(200, CaseSchema)
@blp.alt_response(202, schema=CaseSchema, description="An approval over a hard finding (a blocklist hit): it waits "
                  "for an admin other than me to confirm it (POST /registrations/{id}/approval/confirmation)")
@blp.alt_response(409, description="The case is not waiting for a reviewer (decided, withdrawn, or changed), or "
                                    "another reviewer has claimed it")
def decide(decision, application_id):
    """Approve or reject a case waiting for review (an application or a renewal); a rejection needs a reason the
    applicant can act on."""
    try:
        decided = reviewing.decide(verification(), application_id, g.reviewer["username"], decision["decision"],
                                   decision["reason"].strip())
    except decisions.CaseNotFound:
        raise NotFound("No case for that application.") from None
    except decisions.CaseClosed as exc:
        raise Conflict(f"This case is not waiting for a reviewer ({exc}).") from None
    except queue_rules.ClaimedByAnother as exc:
        raise Conflict(_claim_refusal(exc)) from None
    except board_rules.ActionRefused as exc:
        raise Conflict(str(exc)) from None
    view = views.case_view(verification(), application_id, g.reviewer["username"], audited=False)
    return view if decided else (view, 202)


@blp.route("/reviews/<application_id>/information-request", methods=["POST"])
@requires_role("reviewer", "admin")
@json_body()
@blp.arguments(InformationRequestBodySchema())
@blp.response(202, CaseSchema)
@blp.alt_response(409, description="The case is not an application waiting for a reviewer, or another reviewer "
                                    "has claimed it")
def request_information(body, application_id):
    """Ask the applicant for more: the message, and the documents or fields needed. The case waits for them
    (out of the queue, my claim ended) until they upload what was asked or amend the application; reminded
    INFORMATION_REMINDER_DAYS before the deadline (INFORMATION_DEADLINE_DAYS), the application lapses after it."""
    try:
        information.request_information(verification(), application_id, g.reviewer["username"],
                                        body["message"], body["documents"], body["fields"])
    except decisions.CaseNotFound:
        raise NotFound("No case for that application.") from None
    except decisions.CaseClosed as exc:
        raise Conflict(f"This case is not an application waiting for a reviewer ({exc}).") from None
    except queue_rules.ClaimedByAnother as exc:
        raise Conflict(_claim_refusal(exc)) from None
    return views.case_view(verification(), application_id, g.reviewer["username"], audited=False)


@blp.route("/reviews/<application_id>/audit")
@requires_role(*READERS)
@blp.response(200, AuditSchema)
def audit(application_id):
    """Everything that happened to a case: automated checks and decisions, every reviewer's action."""
    try:
        return {"application_id": application_id, "entries": views.audit_log(verification(), application_id)}
    except decisions.CaseNotFound:
        raise NotFound("No case for that application.") from None
