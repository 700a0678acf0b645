"""A reviewer's decision on whatever waits for one: a flagged application (service_layer.decisions) or a
flagged renewal (service_layer.renewals). The API and the console decide through here.

A case another reviewer has claimed (domain.queue) is theirs to decide until their lease ends; an
unclaimed case may be decided at once. The decision's write itself carries the condition, so a claim
that lands between reading the case and writing the decision still wins.
"""
import dataclasses

from verification.domain import case as states
from verification.domain import queue as claims
from verification.service_layer import decisions, renewals
from verification.service_layer.decisions import CaseClosed, CaseNotFound
from verification.service_layer.dependencies import Dependencies


def decide(deps: Dependencies, application_id: str, reviewer: str, decision: str, reason: str) -> None:
    """Approve or reject; CaseNotFound, claims.ClaimedByAnother, or CaseClosed when the case is not waiting for
    a reviewer (any more)."""
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case["state"] in states.REVIEWED:
        claims.check_claim(case, reviewer, deps.now())
    if case["state"] != states.RENEWAL_IN_REVIEW:
        decisions.decide_by_reviewer(deps, application_id, reviewer, decision, reason)
        return
    change = renewals.decide_by_reviewer(deps, case, f"reviewer:{reviewer}", decision, reason)
    if not deps.cases.transition(dataclasses.replace(change, decided_by_reviewer=reviewer)):
        raise CaseClosed("changed meanwhile")
