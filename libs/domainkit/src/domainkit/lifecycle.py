"""The registration lifecycle: one state machine for an application and the registration it becomes.

Every service that keeps a copy of the status (intake's applications, verification's cases, the
directory's listings, payments' vouchers) moves it with `next_status` and nothing else, so the rules
live here once. A move is caused by an event; the table below is the whole machine (docs/lifecycle.md
draws it):

    submitted ──ApplicationFlagged──▶ in_review
    submitted | in_review ──ApplicationApprovedInPrinciple──▶ awaiting_payment (a fee voucher is issued)
    awaiting_payment ──RegistrationIssued──▶ approved (registered, valid until a date)
    awaiting_payment ──ApplicationLapsed──▶ lapsed (the voucher's due date passed unpaid)
    in_review ──ApplicationLapsed──▶ lapsed (what a reviewer asked the applicant for did not come by the deadline)
    approved | expired (within grace) ──RenewalRequested──▶ renewal_requested
    renewal_requested ──RegistrationRenewed──▶ approved (valid one period past the old expiry)
    renewal_requested ──RenewalRejected──▶ approved (or expired, when its date has passed meanwhile)
    approved | renewal_requested ──RegistrationExpired──▶ expired
    approved | renewal_requested | expired ──RegistrationRevoked──▶ revoked
    revoked ──RegistrationReinstated──▶ approved (or expired, when its date has passed meanwhile)
    submitted | in_review ──ApplicationRejected──▶ rejected
    submitted | in_review | awaiting_payment ──ApplicationWithdrawn──▶ withdrawn
    submitted | in_review ──ApplicationAmended──▶ submitted

Events arrive at least once and, across topics, in any order. `next_status` therefore answers for
every (status, event) pair: the new status; the same status when the event repeats what is already
so (a duplicate); or `NotAllowed` when the event comes too late to apply (a payment after a lapse, a
renewal after a revocation) — the caller records it and changes nothing, so every copy ends in the
same single state whatever order the events came in.
"""
import dataclasses
import datetime as dt

SUBMITTED = "submitted"
IN_REVIEW = "in_review"
AWAITING_PAYMENT = "awaiting_payment"  # approved in principle; a fee voucher is issued
APPROVED = "approved"  # registered: a registration number, valid until a date
RENEWAL_REQUESTED = "renewal_requested"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
LAPSED = "lapsed"  # the fee was not paid by the voucher's due date, or asked-for information not sent in time
EXPIRED = "expired"
REVOKED = "revoked"
STATUSES = (SUBMITTED, IN_REVIEW, AWAITING_PAYMENT, APPROVED, RENEWAL_REQUESTED, REJECTED, WITHDRAWN, LAPSED,
            EXPIRED, REVOKED)

# Statuses an applicant can still change (amend, upload, withdraw).
OPEN = (SUBMITTED, IN_REVIEW)
# Statuses that end an application for good: a new one is needed to try again.
FINAL = (REJECTED, WITHDRAWN, LAPSED)
# Statuses with a registration number that verify answers for.
REGISTERED = (APPROVED, RENEWAL_REQUESTED, EXPIRED, REVOKED)

APPLICATION_SUBMITTED = "ApplicationSubmitted"
APPLICATION_AMENDED = "ApplicationAmended"
APPLICATION_FLAGGED = "ApplicationFlagged"
APPLICATION_APPROVED_IN_PRINCIPLE = "ApplicationApprovedInPrinciple"
APPLICATION_REJECTED = "ApplicationRejected"
APPLICATION_WITHDRAWN = "ApplicationWithdrawn"
APPLICATION_LAPSED = "ApplicationLapsed"
REGISTRATION_ISSUED = "RegistrationIssued"
RENEWAL_REQUESTED_EVENT = "RenewalRequested"
REGISTRATION_RENEWED = "RegistrationRenewed"
RENEWAL_REJECTED = "RenewalRejected"
REGISTRATION_EXPIRED = "RegistrationExpired"
REGISTRATION_REVOKED = "RegistrationRevoked"
REGISTRATION_REINSTATED = "RegistrationReinstated"


@dataclasses.dataclass(frozen=True)
class Move:
    """One event's move: from any of `sources` to `target`. `or_expired`: to `expired` instead when the
    registration's validity has ended by the time the move applies."""
    sources: tuple[str, ...]
    target: str
    or_expired: bool = False


MOVES: dict[str, Move] = {
    APPLICATION_SUBMITTED: Move((), SUBMITTED),  # creates the application: there is no status before it
    APPLICATION_AMENDED: Move(OPEN, SUBMITTED),
    APPLICATION_FLAGGED: Move((SUBMITTED,), IN_REVIEW),
    APPLICATION_APPROVED_IN_PRINCIPLE: Move(OPEN, AWAITING_PAYMENT),
    APPLICATION_REJECTED: Move(OPEN, REJECTED),
    APPLICATION_WITHDRAWN: Move((*OPEN, AWAITING_PAYMENT), WITHDRAWN),
    # the fee not paid by its due date, or the information a reviewer asked for not sent by the deadline
    APPLICATION_LAPSED: Move((IN_REVIEW, AWAITING_PAYMENT), LAPSED),
    REGISTRATION_ISSUED: Move((AWAITING_PAYMENT,), APPROVED),
    RENEWAL_REQUESTED_EVENT: Move((APPROVED, EXPIRED), RENEWAL_REQUESTED),
    REGISTRATION_RENEWED: Move((RENEWAL_REQUESTED,), APPROVED),
    RENEWAL_REJECTED: Move((RENEWAL_REQUESTED,), APPROVED, or_expired=True),
    REGISTRATION_EXPIRED: Move((APPROVED, RENEWAL_REQUESTED), EXPIRED),
    REGISTRATION_REVOKED: Move((APPROVED, RENEWAL_REQUESTED, EXPIRED), REVOKED),
    REGISTRATION_REINSTATED: Move((REVOKED,), APPROVED, or_expired=True),
}
EVENTS = tuple(MOVES)


class NotAllowed(Exception):
    """The event cannot apply to an application in this status (it came too late, or makes no sense)."""

    def __init__(self, status: str | None, event_type: str):
        super().__init__(f"{event_type} does not apply to an application that is {status or 'not yet submitted'}")
        self.status, self.event_type = status, event_type


class UnknownEvent(ValueError):
    """Not an event of the lifecycle."""


def next_status(status: str | None, event_type: str, validity_ended: bool = False) -> str:
    """The status after `event_type` applies to an application in `status` (None: none yet).

    The same status when the event repeats a move already made (a duplicate or a replay); NotAllowed
    when it cannot apply. `validity_ended`: the registration's valid-until date has passed, for the
    moves that land on `expired` then (see Move.or_expired)."""
    move = MOVES.get(event_type)
    if move is None:
        raise UnknownEvent(event_type)
    target = EXPIRED if move.or_expired and validity_ended else move.target
    if status is None:
        if event_type == APPLICATION_SUBMITTED:
            return SUBMITTED
        raise NotAllowed(status, event_type)
    if status in move.sources:
        return target
    if status == target and event_type != APPLICATION_AMENDED:
        return status  # already so: a repeat changes nothing
    raise NotAllowed(status, event_type)


def holds_cnic(status: str, within_grace: bool = False, revoked_blocks: bool = True) -> bool:
    """Whether an application in `status` keeps its CNIC from being used by a new application.

    Held while it or its registration is alive: open, awaiting the fee, registered, being renewed, and
    expired within the renewal grace period (`within_grace`); a revoked registration keeps blocking
    new applications unless `revoked_blocks` (a setting) says otherwise. Released on rejection,
    withdrawal, lapse, and expiry past grace."""
    if status in (SUBMITTED, IN_REVIEW, AWAITING_PAYMENT, APPROVED, RENEWAL_REQUESTED):
        return True
    if status == EXPIRED:
        return within_grace
    if status == REVOKED:
        return revoked_blocks
    return False


def renewal_window(expires_at: dt.datetime, opens_days_before: float, grace_days: float
                   ) -> tuple[dt.datetime, dt.datetime]:
    """When a registration expiring at `expires_at` may ask for renewal: from `opens_days_before` days before
    its expiry until `grace_days` after it (both settings; fractions of a day allowed, as tests use seconds)."""
    return (expires_at - dt.timedelta(days=opens_days_before), expires_at + dt.timedelta(days=grace_days))


def renewal_open(expires_at: dt.datetime, now: dt.datetime, opens_days_before: float, grace_days: float) -> bool:
    """Whether a registration expiring at `expires_at` may ask for renewal at `now` (renewal_window)."""
    opens, closes = renewal_window(expires_at, opens_days_before, grace_days)
    return opens <= now < closes


def renewed_expiry(old_expires_at: dt.datetime, period_days: float) -> dt.datetime:
    """A renewal extends validity by one period from the old expiry, not from the day the fee was paid."""
    return old_expires_at + dt.timedelta(days=period_days)


def expires_at_of(valid_until: dt.date) -> dt.datetime:
    """The moment a registration known only by its last valid day ends: the end of that day (UTC)."""
    return dt.datetime.combine(valid_until + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
