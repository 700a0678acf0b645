"""A reviewer's decision on whatever waits for one: a flagged application (service_layer.decisions) or a
flagged renewal (service_layer.renewals). The API and the console decide through here.

A case another reviewer has claimed (domain.queue) is theirs to decide until their lease ends; an
unclaimed case may be decided at once. The decision's write itself carries the condition, so a claim
that lands between reading the case and writing the decision still wins.

Approving over a hard finding (domain.checks.HARD_FINDINGS) takes four eyes: the reviewer's approval is a
request, and an admin other than that reviewer confirms it (or any admin cancels it).
"""
import dataclasses

from verification.domain import case as states
from verification.domain import queue as claims
from verification.domain.board_actions import APPROVE
from verification.domain.checks import needs_second_reviewer
from verification.service_layer import board_actions, decisions, renewals
from verification.service_layer.decisions import CaseClosed, CaseNotFound
from verification.service_layer.dependencies import Dependencies


def decide(deps: Dependencies, application_id: str, reviewer: str, decision: str, reason: str) -> bool:
    """Approve or reject; True when decided, False when an approval over a hard finding now waits for a second
    reviewer (service_layer.board_actions). CaseNotFound, claims.ClaimedByAnother, a board_actions refusal, or
    CaseClosed when the case is not waiting for a reviewer (any more)."""
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case["state"] in states.REVIEWED:
        claims.check_claim(case, reviewer, deps.now())
    if decision == "approve" and case["state"] == states.IN_REVIEW and needs_second_reviewer(case.get("checks", [])):
        board_actions.request_action(deps, application_id, APPROVE, reviewer,
                                     reason or "Approved by a reviewer over a hard finding")
        return False
    if case["state"] != states.RENEWAL_IN_REVIEW:
        decisions.decide_by_reviewer(deps, application_id, reviewer, decision, reason)
        return True
    change = renewals.decide_by_reviewer(deps, case, f"reviewer:{reviewer}", decision, reason)
    if not deps.cases.transition(dataclasses.replace(change, decided_by_reviewer=reviewer)):
        raise CaseClosed("changed meanwhile")
    return True
