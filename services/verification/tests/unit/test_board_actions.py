"""Revocation and reinstatement by two admins, against in-memory repositories: one asks, another confirms;
the one who asked cannot confirm; nothing moves before the confirmation; a cancelled or repeated
confirmation changes nothing; a reinstatement after the validity ended lands on `expired`."""
import datetime as dt

import pytest

from verification.domain import board_actions as rules
from verification.domain import case as states
from verification.service_layer import board_actions
from verification.service_layer.decisions import CaseNotFound
from verification.service_layer.expiry import sweep
from verification.service_layer.handlers import handle_application_event


def test_a_revocation_waits_for_a_second_admin_then_moves_the_case_once(deps, registered):
    application_id = registered()
    pending = board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Forged export documents")
    case = deps.cases.get(application_id)
    assert case["state"] == states.APPROVED and case["pending_action"] == pending.as_dict()
    assert deps.cases.events(application_id)[-1] == "RegistrationIssued"  # nothing published yet
    assert [item["application_id"] for item in board_actions.awaiting_second_admin(deps)] == [application_id]

    with pytest.raises(rules.SameAdmin):
        board_actions.confirm_action(deps, application_id, rules.REVOKE, "amina")
    assert board_actions.confirm_action(deps, application_id, rules.REVOKE, "bilal") == states.REVOKED

    case = deps.cases.get(application_id)
    assert case["state"] == states.REVOKED and "pending_action" not in case
    [revoked] = [e for e in case["outbox"] if e["event_type"] == "RegistrationRevoked"]
    assert revoked["payload"]["registration_number"] == case["decision"]["registration_number"]
    assert revoked["payload"]["revoked_on"] == deps.clock.at.date().isoformat()
    assert revoked["payload"]["reasons"] == ["Forged export documents"] and revoked["payload"]["contact"]
    assert [a["action"] for a in case["audit"]][-2:] == ["revocation_requested", "revocation_confirmed"]
    assert case["audit"][-1]["actor"] == "reviewer:bilal"
    with pytest.raises(rules.NothingToConfirm):  # a second confirmation
        board_actions.confirm_action(deps, application_id, rules.REVOKE, "chand")
    assert board_actions.awaiting_second_admin(deps) == []


def test_a_revoked_registration_neither_reminds_nor_expires(deps, registered):
    application_id = registered()
    board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Fraud")
    board_actions.confirm_action(deps, application_id, rules.REVOKE, "bilal")
    later = deps.cases.get(application_id)["expires_at"] + dt.timedelta(days=1)
    assert (sweep(deps, later).reminded, sweep(deps, later).expired) == (0, 0)
    assert deps.cases.get(application_id)["state"] == states.REVOKED


def test_one_request_at_a_time_and_only_where_it_applies(deps, registered, application_event):
    application_id = registered()
    with pytest.raises(rules.NotApplicable):
        board_actions.request_action(deps, application_id, rules.REINSTATE, "amina", "Not revoked")
    board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Fraud")
    with pytest.raises(rules.AlreadyRequested):
        board_actions.request_action(deps, application_id, rules.REVOKE, "bilal", "Fraud too")
    unpaid = application_event()
    handle_application_event(deps, unpaid)  # approved in principle: no registration yet
    with pytest.raises(CaseNotFound):
        board_actions.request_action(deps, unpaid["key"], rules.REVOKE, "amina", "Fraud")


def test_a_cancelled_request_cannot_be_confirmed(deps, registered):
    application_id = registered()
    board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Mistaken identity?")
    board_actions.cancel_action(deps, application_id, rules.REVOKE, "bilal")
    with pytest.raises(rules.NothingToConfirm):
        board_actions.confirm_action(deps, application_id, rules.REVOKE, "bilal")
    case = deps.cases.get(application_id)
    assert case["state"] == states.APPROVED and case["audit"][-1]["action"] == "revocation_cancelled"
    with pytest.raises(rules.NothingToConfirm):
        board_actions.cancel_action(deps, application_id, rules.REVOKE, "bilal")


def test_a_confirmation_prepared_on_a_cancelled_request_changes_nothing(deps, registered):
    """The write is conditioned on the very request read: cancelled and asked again meanwhile, it misses."""
    application_id = registered()
    board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Fraud")
    stale = deps.cases.get(application_id)
    board_actions.cancel_action(deps, application_id, rules.REVOKE, "amina")
    board_actions.request_action(deps, application_id, rules.REVOKE, "bilal", "Fraud, checked again")
    pending = rules.check_confirmation(stale, rules.REVOKE, "chand")
    assert not deps.cases.transition(board_actions._revocation(deps, stale, pending, "chand"))
    assert deps.cases.get(application_id)["state"] == states.APPROVED


def test_reinstatement_by_two_admins_back_in_force(deps, registered):
    application_id = registered()
    board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Fraud")
    board_actions.confirm_action(deps, application_id, rules.REVOKE, "bilal")
    board_actions.request_action(deps, application_id, rules.REINSTATE, "bilal", "The appeal succeeded")
    with pytest.raises(rules.SameAdmin):
        board_actions.confirm_action(deps, application_id, rules.REINSTATE, "bilal")
    assert board_actions.confirm_action(deps, application_id, rules.REINSTATE, "amina") == states.APPROVED
    case = deps.cases.get(application_id)
    reinstated = case["outbox"][-1]
    assert reinstated["event_type"] == "RegistrationReinstated" and reinstated["payload"]["status"] == "approved"
    assert case["due_at"] is not None  # its reminders and expiry are still to come


def test_reinstatement_after_the_validity_ended_lands_on_expired(deps, registered):
    application_id = registered()
    board_actions.request_action(deps, application_id, rules.REVOKE, "amina", "Fraud")
    board_actions.confirm_action(deps, application_id, rules.REVOKE, "bilal")
    deps.clock.at = deps.cases.get(application_id)["expires_at"] + dt.timedelta(days=3)
    board_actions.request_action(deps, application_id, rules.REINSTATE, "amina", "Appeal")
    assert board_actions.confirm_action(deps, application_id, rules.REINSTATE, "bilal") == states.EXPIRED
    case = deps.cases.get(application_id)
    assert case["outbox"][-1]["payload"]["status"] == "expired"
    assert case["due_at"] == case["expires_at"] + dt.timedelta(days=30)  # its grace period, from the old expiry
