"""The board's actions that need two people (four eyes): revoking a registration, reinstating it, and approving
an application over a hard finding.

One admin asks, with a reason; a second, different admin confirms; any admin may cancel the request
instead. Nothing changes for the registrant or the public until the confirmation. The request waits on
the case (`pending_action`), one at a time, so the console and the API show what waits for a second
pair of eyes, and the confirmation is one conditional write on that very request.
"""
import dataclasses
import datetime as dt

from verification.domain import case as states

REVOKE, REINSTATE = "revoke", "reinstate"
# A reviewer's approval of an application over a hard finding (domain.checks.HARD_FINDINGS): it waits for a second
# reviewer with the admin role, as a revocation does.
APPROVE = "approve"
KINDS = (REVOKE, REINSTATE, APPROVE)
# The states each action applies to: a registration in force, expired, or being renewed is revoked (a renewal
# under way ends with it: a renewal fee paid afterwards changes nothing); a revoked one is reinstated; an
# application waiting for a reviewer is approved.
APPLIES_TO = {REVOKE: (states.APPROVED, states.EXPIRED, *states.RENEWING), REINSTATE: (states.REVOKED,),
              APPROVE: (states.IN_REVIEW,)}
# The audit log's words for each step of each action, and what the action does to the case.
ACTIONS = {REVOKE: "revocation", REINSTATE: "reinstatement", APPROVE: "approval"}
DONE = {REVOKE: "revoked", REINSTATE: "reinstated", APPROVE: "approved"}


class ActionRefused(Exception):
    """The request, confirmation or cancellation cannot be done; the message says why, for the admin."""


class NotApplicable(ActionRefused):
    """The case is not in a state the action applies to."""


class AlreadyRequested(ActionRefused):
    """Another request waits for its confirmation on this case."""


class NothingToConfirm(ActionRefused):
    """No request of this kind waits on the case."""


class SameAdmin(ActionRefused):
    """The admin who asked cannot also confirm."""


@dataclasses.dataclass(frozen=True)
class PendingAction:
    """A request waiting for a second admin, as the case keeps it."""
    kind: str
    reason: str
    requested_by: str  # the username of the admin who asked
    requested_at: dt.datetime

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_case(cls, case: dict) -> "PendingAction | None":
        stored = case.get("pending_action")
        return cls(**stored) if stored else None


def check_request(case: dict, kind: str) -> None:
    """Whether `kind` may be asked for on `case` now; raises NotApplicable or AlreadyRequested."""
    if case["state"] not in APPLIES_TO[kind]:
        raise NotApplicable(f"A case that is {case['state'].replace('_', ' ')} cannot be {DONE[kind]}.")
    pending = PendingAction.from_case(case)
    if pending is not None:
        raise AlreadyRequested(f"A {ACTIONS[pending.kind]} asked for by {pending.requested_by} waits for a second "
                               "admin: confirm or cancel it first.")


def check_confirmation(case: dict, kind: str, admin: str) -> PendingAction:
    """The request `admin` may confirm on `case`; raises NothingToConfirm, SameAdmin or NotApplicable."""
    pending = PendingAction.from_case(case)
    if pending is None or pending.kind != kind:
        raise NothingToConfirm(f"No {ACTIONS[kind]} waits for confirmation on this case.")
    if pending.requested_by == admin:
        raise SameAdmin(f"You asked for this {ACTIONS[kind]}: a second admin must confirm it.")
    if case["state"] not in APPLIES_TO[kind]:
        raise NotApplicable(f"The case is {case['state'].replace('_', ' ')} now; cancel the request.")
    return pending


def validity_ended(case: dict, now: dt.datetime) -> bool:
    """Whether the case's registration is past its expiry (by `expires_at`, or for a registration issued
    before expiry was scheduled, by the end of its valid-until day)."""
    if case.get("expires_at") is not None:
        return case["expires_at"] <= now
    valid_until = (case.get("decision") or {}).get("valid_until")
    return valid_until is not None and dt.date.fromisoformat(valid_until) < now.date()
