"""A verification case: its states, audit entries, state changes, and what it shares with other cases."""
import dataclasses
import datetime as dt

from verification.domain.registration import Expiry

CHECKING, IN_REVIEW, APPROVED, REJECTED, WITHDRAWN = "checking", "in_review", "approved", "rejected", "withdrawn"
# the registration lifecycle's (domainkit.lifecycle): approved in principle with its fee due; the fee not paid in time;
# the registration's validity ended
AWAITING_PAYMENT, LAPSED, EXPIRED = "awaiting_payment", "lapsed", "expired"
REVOKED = "revoked"  # the board withdrew the registration (two admins: domain.board_actions)
AWAITING_APPLICANT = "awaiting_applicant"  # a reviewer asked the applicant for more (domain.information)
# a renewal asked for (the lifecycle's renewal_requested): waiting for a reviewer, or for its fee (domain.renewal)
RENEWAL_IN_REVIEW, RENEWAL_AWAITING_PAYMENT = "renewal_in_review", "renewal_awaiting_payment"
RENEWING = (RENEWAL_IN_REVIEW, RENEWAL_AWAITING_PAYMENT)
LIVE_REGISTRATION = (APPROVED,)  # a registration that reminders and expiry apply to
# what the scheduler looks at: live registrations (reminders, expiry) and expired ones (the grace period's end)
SCHEDULED = (APPROVED, EXPIRED)
# decided by a reviewer: a flagged application, or a flagged renewal
REVIEWED = (IN_REVIEW, RENEWAL_IN_REVIEW)
OPEN = (CHECKING, IN_REVIEW, AWAITING_APPLICANT)  # an amendment or withdrawal still applies
# another application with this CNIC is a duplicate
HOLDS_IDENTITY = (CHECKING, IN_REVIEW, AWAITING_APPLICANT, AWAITING_PAYMENT, APPROVED, *RENEWING)

SYSTEM = "system"


def audit_entry(actor: str, action: str, detail: str = "", at: dt.datetime | None = None) -> dict:
    """One line of the case's append-only audit log: who did what, when."""
    return {"at": at or dt.datetime.now(dt.timezone.utc), "actor": actor, "action": action, "detail": detail}


@dataclasses.dataclass(frozen=True)
class Transition:
    """One change of a case's state, written as one conditional update (adapters.cases): applied only
    while the case is still in the state and at the version `case` was read at."""
    case: dict  # the case as read: its _id, state and version
    to_state: str
    reasons: list[str]
    audit: dict
    events: list[dict]  # published through the case's outbox, written with the change
    checks: list[dict] | None = None  # the checks' results, when they ran
    decision: dict | None = None  # for an approval or rejection
    expiry: Expiry | None = None  # for a registration: when it expires, the reminders before it
    # for the confirmation of a board action (domain.board_actions): applied only while that very request still
    # waits on the case, and clears it
    confirms: dict | None = None
    renewal: dict | None = None  # for a renewal asked for: what the case keeps of it (service_layer.renewals)
    # for a reviewer's decision: applied only while no other reviewer holds a live lease on the case
    # (domain.queue), and ends the lease
    decided_by_reviewer: str | None = None
    # for a request for more information (domain.information), or its answer: what the case keeps of it, and
    # when the scheduler next looks at it (`due_at`: the reminder or the deadline; None once answered)
    information_request: dict | None = None


class OtherCases:
    """The checks' questions about other applications (domain.checks.Lookups), answered for one case
    from the other cases under its CNIC, email or mobile blind index (`_id`, `indexes`, `state` each)."""

    def __init__(self, case: dict, others: list[dict]):
        self.indexes = case["indexes"]
        self.others = [o for o in others if o["_id"] != case["_id"]]

    def cnic_held_elsewhere(self, application_id: str) -> bool:
        return any(o["indexes"]["cnic"] == self.indexes["cnic"] and o["state"] in HOLDS_IDENTITY for o in self.others)

    def contact_shared_with_other_identity(self, application_id: str) -> list[str]:
        """Which of email and mobile a live case under a different CNIC also uses."""
        return [field for field in ("email", "mobile")
                if any(o["indexes"][field] == self.indexes[field] and o["indexes"]["cnic"] != self.indexes["cnic"]
                       and o["state"] != WITHDRAWN for o in self.others)]


IDENTITY_FIELDS = ("cnic", "email", "mobile")


class SharedIdentities:
    """Cases looked up by their CNIC, email and mobile (blind indexes): which of them share an
    identity with a given case, in the order they were added. A run of submissions is checked
    against the stored cases and the run's earlier ones; comparing each pair made that quadratic
    (389k comparisons, a tenth of the worker's time, for a run of 333)."""

    def __init__(self, cases=()):
        self.cases: list[dict] = []
        self.positions: dict[tuple[str, str], list[int]] = {}
        for case in cases:
            self.add(case)

    def add(self, case: dict) -> None:
        position = len(self.cases)
        self.cases.append(case)
        for field in IDENTITY_FIELDS:
            self.positions.setdefault((field, case["indexes"][field]), []).append(position)

    def sharing(self, case: dict) -> list[dict]:
        """The cases added so far that share the CNIC, email or mobile of `case`, each once, in order."""
        found = set()
        for field in IDENTITY_FIELDS:
            found.update(self.positions.get((field, case["indexes"][field]), ()))
        return [self.cases[position] for position in sorted(found)]
