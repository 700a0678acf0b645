"""A reviewer's decision on whatever waits for one: a flagged application (service_layer.decisions) or a
flagged renewal (service_layer.renewals). The API and the console decide through here."""
from verification.domain import case as states
from verification.service_layer import decisions, renewals
from verification.service_layer.decisions import CaseClosed, CaseNotFound
from verification.service_layer.dependencies import Dependencies


def decide(deps: Dependencies, application_id: str, reviewer: str, decision: str, reason: str) -> None:
    """Approve or reject; CaseNotFound, or CaseClosed when the case is not waiting for a reviewer (any more)."""
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    if case["state"] != states.RENEWAL_IN_REVIEW:
        decisions.decide_by_reviewer(deps, application_id, reviewer, decision, reason)
        return
    if not deps.cases.transition(renewals.decide_by_reviewer(deps, case, f"reviewer:{reviewer}", decision, reason)):
        raise CaseClosed("changed meanwhile")
