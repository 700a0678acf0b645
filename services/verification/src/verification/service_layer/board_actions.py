"""Revoking and reinstating a registration, each by two admins, and approving an application over a hard finding,
asked by a reviewer and confirmed by an admin (domain.board_actions): the request, its cancellation, and its
confirmation, which moves the case and publishes the event.

The confirmation is one conditional write of the case (a Transition that `confirms` the request): it
applies only while the case is in the state read and that very request still waits, so a cancellation,
a second confirmation or an expiry that lands meanwhile leaves one outcome. Revocation publishes
RegistrationRevoked (the listing leaves search, verify says `revoked` with the date, intake shows it,
notification tells the registrant); reinstatement publishes RegistrationReinstated with the status it
lands on: `approved`, or `expired` when the registration's validity ended meanwhile.
"""
import dataclasses

from verification.domain import board_actions as rules
from verification.domain import case as states
from verification.domain import events
from verification.domain.board_actions import APPROVE, REINSTATE, REVOKE, PendingAction
from verification.domain.case import Transition, audit_entry
from verification.domain.registration import expired
from verification.service_layer import decisions
from verification.service_layer.decisions import CaseNotFound
from verification.service_layer.dependencies import Dependencies


class ChangedMeanwhile(rules.ActionRefused):
    """The case or its request changed between reading and writing: look again."""


def _case(deps: Dependencies, application_id: str, kind: str) -> dict:
    """The case an action of `kind` is about: a registration for a revocation or reinstatement, any case for an
    approval (whose rules say which states)."""
    case = deps.cases.get(application_id)
    if case is None or (kind != APPROVE and not (case.get("decision") or {}).get("registration_number")):
        raise CaseNotFound()
    return case


def request_action(deps: Dependencies, application_id: str, kind: str, admin: str, reason: str) -> PendingAction:
    """`admin` asks for `kind` (revoke or reinstate) with `reason`; it waits for a second admin."""
    case = _case(deps, application_id, kind)
    rules.check_request(case, kind)
    pending = PendingAction(kind, reason, admin, deps.now())
    audit = audit_entry(f"reviewer:{admin}", f"{rules.ACTIONS[kind]}_requested", reason, pending.requested_at)
    if not deps.cases.record_action_request(case, pending.as_dict(), audit):
        raise ChangedMeanwhile("The case changed meanwhile: look at it again.")
    return pending


def cancel_action(deps: Dependencies, application_id: str, kind: str, admin: str) -> None:
    """Any admin drops the request of `kind` waiting on the case (the one who asked, or the one asked to confirm)."""
    _case(deps, application_id, kind)
    audit = audit_entry(f"reviewer:{admin}", f"{rules.ACTIONS[kind]}_cancelled", "", deps.now())
    if not deps.cases.cancel_action_request(application_id, kind, audit):
        raise rules.NothingToConfirm(f"No {rules.ACTIONS[kind]} waits on this case.")


def confirm_action(deps: Dependencies, application_id: str, kind: str, admin: str) -> str:
    """A second admin confirms the request: the case moves and its event is published. The state it moved to."""
    case = _case(deps, application_id, kind)
    pending = rules.check_confirmation(case, kind, admin)
    change = {REVOKE: _revocation, REINSTATE: _reinstatement, APPROVE: _approval}[kind](deps, case, pending, admin)
    if not deps.cases.transition(change):
        raise ChangedMeanwhile("The case or its request changed meanwhile: look at it again.")
    return change.to_state


def _registration_fields(case: dict) -> dict:
    """The registration's number and validity, as every event about it carries them."""
    decision = case["decision"]
    fields = {"registration_number": decision["registration_number"], "valid_until": decision["valid_until"]}
    if case.get("expires_at") is not None:
        fields["expires_at"] = case["expires_at"].isoformat()
    return fields


def _revocation(deps: Dependencies, case: dict, pending: PendingAction, admin: str) -> Transition:
    at = deps.now()
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.REVOKED, case, [pending.reason], decisions.contact_of(deps, facts),
                                  revoked_on=at.date().isoformat(), **_registration_fields(case))
    audit = audit_entry(f"reviewer:{admin}", "revocation_confirmed",
                        f"asked by {pending.requested_by}: {pending.reason}", at)
    return Transition(case, states.REVOKED, [pending.reason], audit, [event], confirms=pending.as_dict())


def _reinstatement(deps: Dependencies, case: dict, pending: PendingAction, admin: str) -> Transition:
    """Back in force, or `expired` when its validity ended while it was revoked (then nothing is left due)."""
    at = deps.now()
    ended = rules.validity_ended(case, at)
    to_state = states.EXPIRED if ended else states.APPROVED
    facts = decisions.facts_of(deps, case)
    event = events.decision_event(events.REINSTATED, case, [], decisions.contact_of(deps, facts),
                                  status=to_state, **_registration_fields(case))
    audit = audit_entry(f"reviewer:{admin}", "reinstatement_confirmed",
                        f"asked by {pending.requested_by}: {pending.reason}; {to_state}", at)
    # expired meanwhile: its renewal grace period runs from the old expiry (the scheduler ends it, maybe at once)
    expiry = expired(case["expires_at"], deps.renewal_grace_days) if ended and case.get("expires_at") else None
    return Transition(case, to_state, [], audit, [event], expiry=expiry, confirms=pending.as_dict())


def _approval(deps: Dependencies, case: dict, pending: PendingAction, admin: str) -> Transition:
    """The application approved in principle over its hard finding, by the admin confirming the reviewer's request
    (decided as theirs: no other reviewer's claim may hold the case)."""
    facts = decisions.facts_of(deps, case)
    change = decisions.approve(deps, case, facts, f"reviewer:{admin}",
                               f"confirming {pending.requested_by}'s approval over a hard finding: {pending.reason}")
    return dataclasses.replace(change, confirms=pending.as_dict(), decided_by_reviewer=admin)


def awaiting_second_admin(deps: Dependencies, limit: int = 100) -> list[dict]:
    """The requests waiting for a second admin, oldest first, with their case's name and registration."""
    return [{"application_id": c["_id"], "full_name": c["public"]["full_name"], "state": c["state"],
             "registration_number": (c.get("decision") or {}).get("registration_number"), **c["pending_action"]}
            for c in deps.cases.awaiting_second_admin(limit)]
