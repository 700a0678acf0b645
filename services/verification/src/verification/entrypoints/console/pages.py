"""The reviewers' console: sign in, work the queue, open a case, look at documents, decide.

Server-rendered; works without JavaScript; every action goes through the same service
layer (and audit log) as the API."""
from flask import Blueprint, Response, abort, g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError

from servicekit.rate_limit import rate_limited
from verification.entrypoints.auth import console_login_required, verification
from verification.entrypoints.schemas import DecisionSchema
from verification.service_layer import decisions, reviewers, views

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates", static_folder="static",
               static_url_path="/static")
DECIDERS = reviewers.DECIDERS
QUEUE_PAGE = 100  # cases per page of the console's queue

@bp.get("/login")
def login():
    return render_template("login.html", error=None, next=request.args.get("next", ""))


@bp.post("/login")
@rate_limited("login")
def login_submit():
    account = reviewers.authenticate(verification(), request.form.get("username", ""), request.form.get("password", ""))
    if account is None:
        return render_template("login.html", error="Wrong username or password.", next=request.form.get("next")), 401
    session.clear()
    session["reviewer"] = reviewers.session_of(account)
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/console") else url_for("console.queue"))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("")
@console_login_required()
def queue():
    state = request.args.get("state", "pending")
    if state not in views.PENDING_STATES:
        state = "pending"
    q = request.args.get("q", "").strip()[:120]
    try:
        page = views.queue(verification(), state, QUEUE_PAGE, request.args.get("after") or None, q)
    except ValueError:  # a cursor that is not ours: start from the first page
        page = views.queue(verification(), state, QUEUE_PAGE, None, q)
    return render_template("queue.html", items=page["items"], next_cursor=page["next_cursor"], state=state, q=q)


@bp.get("/cases/<application_id>")
@console_login_required()
def case(application_id, errors=None, status=200):
    try:
        view = views.case_view(verification(), application_id, g.reviewer["username"])
    except decisions.CaseNotFound:
        abort(404, "No case for that application.")
    return render_template("case.html", case=view, audit=view["audit"], errors=errors or {},
                           can_decide=g.reviewer["role"] in DECIDERS), status


@bp.post("/cases/<application_id>/decision")
@console_login_required(*DECIDERS)
def decide(application_id):
    try:
        decision = DecisionSchema().load({"decision": request.form.get("decision", ""),
                                          "reason": request.form.get("reason", "")})
        decisions.decide_by_reviewer(verification(), application_id, g.reviewer["username"], decision["decision"],
                                     decision["reason"].strip())
    except ValidationError as exc:
        return case(application_id, errors=exc.messages, status=422)
    except decisions.CaseNotFound:
        abort(404, "No case for that application.")
    except decisions.CaseClosed:
        return case(application_id, errors={"decision": ["This case is no longer waiting for a reviewer."]},
                    status=409)
    return redirect(url_for("console.case", application_id=application_id))


@bp.get("/cases/<application_id>/documents/<kind>")
@console_login_required()
def document(application_id, kind):
    try:
        content_type, content = views.document(verification(), application_id, kind, g.reviewer["username"])
    except decisions.CaseNotFound:
        abort(404, "No such document.")
    except views.DocumentUnavailable:
        abort(502, "The document could not be fetched from intake.")
    return Response(content, content_type=content_type, headers={"Cache-Control": "no-store",
                                                                 "Content-Disposition": f'inline; filename="{kind}"'})
