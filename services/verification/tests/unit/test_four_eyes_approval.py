"""Approving over a hard finding (a blocklist hit) takes two people: the reviewer's approval waits, an admin
other than that reviewer confirms it, and only then is the applicant approved in principle."""
import dataclasses

import pytest

from verification.domain import board_actions as rules
from verification.service_layer import board_actions, claims, reviewing
from verification.service_layer.handlers import handle_application_event


@pytest.fixture
def blocklisted(deps, application_event):
    """A case in review because its email's domain is on the board's blocklist."""
    deps = dataclasses.replace(deps, blocklist=frozenset({"domain:blocked.example"}))
    envelope = application_event(email="amir@blocked.example")
    handle_application_event(deps, envelope)
    assert deps.cases.get(envelope["key"])["state"] == "in_review"
    return deps, envelope["key"]


def test_an_approval_over_a_blocklist_hit_waits_for_a_second_reviewer(blocklisted):
    deps, case = blocklisted
    claims.claim(deps, case, "ayesha")
    assert reviewing.decide(deps, case, "ayesha", "approve", "Listed by mistake: the board cleared him") is False
    stored = deps.cases.get(case)
    assert stored["state"] == "in_review" and stored["pending_action"]["requested_by"] == "ayesha"
    assert "lease" not in stored  # the second reviewer is free to decide it
    assert deps.cases.events(case) == ["ApplicationFlagged"]
    with pytest.raises(rules.SameAdmin):
        board_actions.confirm_action(deps, case, rules.APPROVE, "ayesha")
    assert board_actions.confirm_action(deps, case, rules.APPROVE, "omar") == "awaiting_payment"
    stored = deps.cases.get(case)
    assert stored["decision"]["by"] == "reviewer:omar" and "pending_action" not in stored
    assert deps.cases.events(case) == ["ApplicationFlagged", "ApplicationApprovedInPrinciple"]
    assert [e["action"] for e in stored["audit"]][-2:] == ["approval_requested", "approved_in_principle"]


def test_a_rejection_needs_one_reviewer_and_ends_a_waiting_approval(blocklisted, application_event):
    deps, case = blocklisted
    reviewing.decide(deps, case, "ayesha", "approve", "")
    with pytest.raises(rules.AlreadyRequested):
        reviewing.decide(deps, case, "bilal", "approve", "")
    assert reviewing.decide(deps, case, "bilal", "reject", "Still on the board's list") is True
    stored = deps.cases.get(case)
    assert stored["state"] == "rejected" and "pending_action" not in stored
    with pytest.raises(rules.NothingToConfirm):
        board_actions.confirm_action(deps, case, rules.APPROVE, "omar")
