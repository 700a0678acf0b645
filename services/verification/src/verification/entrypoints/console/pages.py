"""The reviewers' console: sign in, work the queue, open a case, look at documents, decide.

Server-rendered; works without JavaScript; every action goes through the same service
layer (and audit log) as the API."""
from flask import Blueprint, Response, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from servicekit.rate_limit import rate_limited
from domainkit.geography import PROVINCES
from verification.domain import board_actions as rules
from verification.domain import queue as queue_rules
from verification.domain.checks import CHECK_NAMES
from verification.domain.queue import ASSIGNMENTS
from verification.entrypoints.auth import console_login_required, verification
from verification.entrypoints.console import labels
from verification.entrypoints.schemas import BoardActionRequestSchema, DecisionSchema, InformationRequestBodySchema
from verification.service_layer import board_actions, claims, decisions, information, reviewers, reviewing, views

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")
bp.app_context_processor(labels.page_labels)
DECIDERS = reviewers.DECIDERS
QUEUE_PAGE = 100  # cases per page of the console's queue
WAITING_DAYS = (1, 3, 7, 14, 30)  # the choices of the queue's "waiting at least" filter, in days
# A document is shown inside the case page (an image, or a PDF in a frame of the console's own origin), and never
# kept by the browser: the default headers forbid any framing, and nothing in it may load anything else.
INLINE_DOCUMENT_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "SAMEORIGIN",
                           "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'"}
# the path's name of each action (an approval is asked for through the decision form, then confirmed or cancelled)
BOARD_ACTIONS = {"revocation": rules.REVOKE, "reinstatement": rules.REINSTATE, "approval": rules.APPROVE}


@bp.get("/login")
def login():
    return render_template("login.html", error=None, next=request.args.get("next", ""))


@bp.post("/login")
@rate_limited("login")
def login_submit():
    account = reviewers.authenticate(verification(), request.form.get("username", ""), request.form.get("password", ""))
    if account is None:
        return render_template("login.html", error=_("Wrong username or password."), next=request.form.get("next")), 401
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
    """The queue: the workload's figures, a search, filters, and one page of cases, the longest waiting first."""
    state = request.args.get("state", "pending")
    if state not in views.PENDING_STATES:
        state = "pending"
    q = request.args.get("q", "").strip()[:120]
    filters = queue_filters(request.args)
    me = g.reviewer["username"]
    try:
        page = views.queue(verification(), state, QUEUE_PAGE, request.args.get("after") or None, q, me, **filters)
    except ValueError:  # a cursor that is not ours: start from the first page
        page = views.queue(verification(), state, QUEUE_PAGE, None, q, me, **filters)
    return render_template("queue.html", items=page["items"], next_cursor=page["next_cursor"], state=state, q=q,
                           filters=filters, workload=views.workload(verification(), me), me=me,
                           choices=labels.queue_filter_choices(CHECK_NAMES, PROVINCES, WAITING_DAYS))


def queue_filters(args) -> dict:
    """The queue's filters from the query string, each dropped when empty or not one of its choices (a
    hand-edited URL shows the whole queue rather than an error)."""
    chosen = {"flag": args.get("flag") if args.get("flag") in CHECK_NAMES else None,
              "province": args.get("province") if args.get("province") in PROVINCES else None,
              "assigned": args.get("assigned") if args.get("assigned") in ASSIGNMENTS else None,
              "waiting_days": int(args["waiting_days"]) if args.get("waiting_days", "").isdigit()
              and int(args["waiting_days"]) in WAITING_DAYS else None}
    return {name: value for name, value in chosen.items() if value is not None}


@bp.post("/cases/<application_id>/claim")
@console_login_required(*DECIDERS)
def claim(application_id):
    """Take the case: nobody else can claim or decide it until the lease ends or it is decided or released."""
    try:
        claims.claim(verification(), application_id, g.reviewer["username"])
    except decisions.CaseNotFound:
        abort(404, "No case for that application.")
    except (queue_rules.ClaimedByAnother, queue_rules.NotClaimable) as exc:
        return case(application_id, errors={"claim": [labels.claim_refusal(exc)]}, status=409)
    return redirect(url_for("console.case", application_id=application_id))


@bp.post("/cases/<application_id>/release")
@console_login_required(*DECIDERS)
def release(application_id):
    """Let the case go, back to the queue for anyone."""
    try:
        claims.release(verification(), application_id, g.reviewer["username"])
    except decisions.CaseNotFound:
        abort(404, "No case for that application.")
    return redirect(url_for("console.queue"))


@bp.get("/cases/<application_id>")
@console_login_required()
def case(application_id, errors=None, status=200):
    try:
        view = views.case_view(verification(), application_id, g.reviewer["username"], role=g.reviewer["role"])
    except decisions.CaseNotFound:
        abort(404, "No case for that application.")
    return render_template("case.html", case=view, audit=view["audit"], errors=errors or {},
                           can_decide=g.reviewer["role"] in DECIDERS, is_admin=g.reviewer["role"] == "admin",
                           me=g.reviewer["username"]), status


@bp.post("/cases/<application_id>/decision")
@console_login_required(*DECIDERS)
def decide(application_id):
    try:
        decision = DecisionSchema().load({"decision": request.form.get("decision", ""),
                                          "reason": request.form.get("reason", "")})
        reviewing.decide(verification(), application_id, g.reviewer["username"], decision["decision"],
                                     decision["reason"].strip())
    except ValidationError as exc:
        return case(application_id, errors=_in_page_language(exc.messages), status=422)
    except decisions.CaseNotFound:
        abort(404, "No case for that application.")
    except decisions.CaseClosed:
        return case(application_id, errors={"decision": [_("This case is no longer waiting for a reviewer.")]},
                    status=409)
    except queue_rules.ClaimedByAnother as exc:
        return case(application_id, errors={"decision": [labels.claim_refusal(exc)]}, status=409)
    except rules.ActionRefused as exc:  # an approval over a hard finding already waits for a second reviewer
        return case(application_id, errors={"decision": [labels.refusal_message(exc)]}, status=409)
    return redirect(url_for("console.case", application_id=application_id))


@bp.post("/cases/<application_id>/information-request")
@console_login_required(*DECIDERS)
def request_information(application_id):
    """Ask the applicant for more: the case waits for them, out of the queue (service_layer.information)."""
    try:
        body = InformationRequestBodySchema().load({"message": request.form.get("message", ""),
                                                    "documents": request.form.getlist("documents"),
                                                    "fields": request.form.getlist("fields")})
        information.request_information(verification(), application_id, g.reviewer["username"], body["message"],
                                        body["documents"], body["fields"])
    except ValidationError as exc:
        return case(application_id, errors=_in_page_language(exc.messages), status=422)
    except decisions.CaseNotFound:
        abort(404, "No case for that application.")
    except decisions.CaseClosed:
        return case(application_id, errors={"information": [_("This case is no longer waiting for a reviewer.")]},
                    status=409)
    except queue_rules.ClaimedByAnother as exc:
        return case(application_id, errors={"information": [labels.claim_refusal(exc)]}, status=409)
    return redirect(url_for("console.case", application_id=application_id))


@bp.get("/cases/<application_id>/documents/<kind>")
@console_login_required()
def document(application_id, kind):
    try:
        content_type, content = views.document(verification(), application_id, kind, g.reviewer["username"],
                                                  role=g.reviewer["role"])
    except decisions.CaseNotFound:
        abort(404, "No such document.")
    except views.DocumentUnavailable:
        abort(502, "The document could not be fetched from intake.")
    return Response(content, content_type=content_type, headers=INLINE_DOCUMENT_HEADERS | {
        "Content-Disposition": f'inline; filename="{kind}"'})


def _in_page_language(messages: dict) -> dict:
    """A schema's messages ({field: [message]}) in the page's language (console/labels.py lists them)."""
    return {field: [_(str(m)) for m in (found if isinstance(found, list) else [found])]
            for field, found in messages.items()}


def _board_action(action: str) -> str:
    if action not in BOARD_ACTIONS:
        abort(404)
    return BOARD_ACTIONS[action]


def _board_step(application_id: str, step):
    """Run one step of a revocation or reinstatement for the signed-in admin, then show the case again:
    with the refusal (409) or the form's complaint (422) when there was one."""
    try:
        step(g.reviewer["username"])
    except ValidationError as exc:
        return case(application_id, errors={"board_action": _in_page_language(exc.messages).get("reason", [])},
                    status=422)
    except decisions.CaseNotFound:
        abort(404, "No registration for that application.")
    except rules.ActionRefused as exc:
        return case(application_id, errors={"board_action": [labels.refusal_message(exc)]}, status=409)
    return redirect(url_for("console.case", application_id=application_id))


@bp.post("/cases/<application_id>/<action>")
@console_login_required("admin")
def request_board_action(application_id, action):
    """An admin asks for a revocation or reinstatement; it waits for a second admin."""
    kind = _board_action(action)
    if kind == rules.APPROVE:
        abort(404)  # asked for through the decision form

    def ask(admin):
        body = BoardActionRequestSchema().load({"reason": request.form.get("reason", "")})
        board_actions.request_action(verification(), application_id, kind, admin, body["reason"].strip())
    return _board_step(application_id, ask)


@bp.post("/cases/<application_id>/<action>/confirm")
@console_login_required("admin")
def confirm_board_action(application_id, action):
    """A second admin confirms: the registration is revoked or reinstated."""
    kind = _board_action(action)
    return _board_step(application_id, lambda admin: board_actions.confirm_action(verification(), application_id,
                                                                                  kind, admin))


@bp.post("/cases/<application_id>/<action>/cancel")
@console_login_required("admin")
def cancel_board_action(application_id, action):
    """Any admin drops the request."""
    kind = _board_action(action)
    return _board_step(application_id, lambda admin: board_actions.cancel_action(verification(), application_id,
                                                                                 kind, admin))


@bp.get("/second-admin")
@console_login_required("admin", "auditor")
def awaiting_second_admin():
    """What waits for a second pair of eyes: revocations and reinstatements asked for and not yet confirmed."""
    return render_template("second_admin.html", items=board_actions.awaiting_second_admin(verification()),
                           me=g.reviewer["username"])
