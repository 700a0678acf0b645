"""Claiming cases (domain.queue's leases) in the service layer: one reviewer at a time, until the lease
ends, the case is decided, or its reviewer lets it go; and the workload figures that count them."""
import datetime as dt

import pytest

from verification.domain.queue import ClaimedByAnother, NotClaimable
from verification.service_layer import claims, reviewing, views
from verification.service_layer.decisions import CaseClosed


def test_a_claimed_case_is_neither_claimed_nor_decided_by_another_reviewer(deps, flagged):
    case = flagged()
    lease = claims.claim(deps, case, "ayesha")
    assert lease.until == deps.clock.at + dt.timedelta(minutes=30)  # the claim read the clock last
    with pytest.raises(ClaimedByAnother, match="ayesha"):
        claims.claim(deps, case, "bilal")
    with pytest.raises(ClaimedByAnother):
        reviewing.decide(deps, case, "bilal", "approve", "")
    assert claims.claim(deps, case, "ayesha").until > lease.until  # renewed by its holder
    reviewing.decide(deps, case, "ayesha", "approve", "")
    assert deps.cases.get(case)["state"] == "awaiting_payment" and "lease" not in deps.cases.get(case)
    with pytest.raises(NotClaimable):
        claims.claim(deps, case, "bilal")


def test_a_lease_ends_by_itself_or_when_released_and_the_case_is_free_again(deps, flagged):
    first, second = flagged(), flagged()
    claims.claim(deps, first, "ayesha")
    claims.claim(deps, second, "ayesha")
    deps.clock.at += dt.timedelta(minutes=31)
    claims.claim(deps, first, "bilal")  # ayesha's lease ended
    assert claims.release(deps, second, "bilal") is False
    claims.claim(deps, second, "ayesha")
    assert claims.release(deps, second, "ayesha") is True
    reviewing.decide(deps, second, "bilal", "reject", "Not yours")  # unclaimed: decided at once
    actions = [e["action"] for e in views.audit_log(deps, second)]
    assert actions.count("case_claimed") == 2 and "case_released" in actions


def test_a_claim_landing_while_a_decision_is_written_wins(deps, flagged):
    case = flagged()
    read = deps.cases.get
    deps.cases.get = lambda application_id: (read(application_id), claims_meanwhile())[0]

    def claims_meanwhile():
        deps.cases.get = read
        claims.claim(deps, case, "bilal")
    with pytest.raises(CaseClosed):
        reviewing.decide(deps, case, "ayesha", "approve", "")
    assert deps.cases.get(case)["state"] == "in_review"


def test_the_workload_counts_what_waits_and_who_holds_it(deps, flagged):
    cases = [flagged() for _ in range(4)]
    claims.claim(deps, cases[0], "ayesha")
    claims.claim(deps, cases[1], "bilal")
    figures = views.workload(deps, "ayesha")
    assert {k: figures[k] for k in ("pending", "unassigned", "mine", "claimed_by_others")} == {
        "pending": 4, "unassigned": 2, "mine": 1, "claimed_by_others": 1}
    assert figures["oldest_received_at"] == deps.cases.get(cases[0])["received_at"]
    assert [i["application_id"] for i in views.queue(deps, "pending", 50, reviewer="ayesha", assigned="me")["items"]] \
        == [cases[0]]
