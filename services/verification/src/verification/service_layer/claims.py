"""A reviewer claims a case before deciding it, and may let it go (domain.queue: the lease's rules).

The claim is one conditional write: it lands only while the case waits for a reviewer and nobody else
holds a live lease, so two reviewers who click at once get one claim and one refusal. Each claim and
release is written to the case's audit log.
"""
import datetime as dt

from verification.domain import case as states
from verification.domain import queue as rules
from verification.domain.case import audit_entry
from verification.domain.queue import Lease
from verification.service_layer.decisions import CaseNotFound
from verification.service_layer.dependencies import Dependencies


def claim(deps: Dependencies, application_id: str, reviewer: str) -> Lease:
    """`reviewer`'s lease on the case, new or renewed; CaseNotFound, or rules.NotClaimable /
    rules.ClaimedByAnother when the case is not theirs to take."""
    case = _case(deps, application_id)
    now = deps.now()
    rules.check_claim(case, reviewer, now)
    lease = Lease(reviewer, now + dt.timedelta(minutes=deps.lease_minutes))
    audit = audit_entry(f"reviewer:{reviewer}", "case_claimed", f"until {lease.until.isoformat()}", now)
    if not deps.cases.claim(application_id, states.REVIEWED, lease.as_dict(), now, audit):
        rules.check_claim(_case(deps, application_id), reviewer, now)  # says who took it meanwhile
        raise rules.NotClaimable("changed meanwhile")
    return lease


def release(deps: Dependencies, application_id: str, reviewer: str) -> bool:
    """End `reviewer`'s lease on the case now, so another reviewer can take it; False when they held none."""
    _case(deps, application_id)
    return deps.cases.release(application_id, reviewer, audit_entry(f"reviewer:{reviewer}", "case_released", "",
                                                                    deps.now()))


def _case(deps: Dependencies, application_id: str) -> dict:
    case = deps.cases.get(application_id)
    if case is None:
        raise CaseNotFound()
    return case
