"""What a reviewer can ask of the queue, and who is working on which case (leases).

A search is read by its shape: a CNIC (either written form) is looked up through its blind index,
never compared in clear; a registration number by the number; anything else is an application id
or the start of words of the applicant's name (domain.name_search). CNIC and registration-number
searches look in every state: a reviewer who types an identity wants every case it has, whatever
the tab. Filters narrow the chosen states: the check that flagged the case, the province, how long
it has waited, and whether it is claimed.

A reviewer claims a case before deciding it: the claim is a lease, `LEASE_MINUTES` long by default,
renewed by claiming again. While it lasts no other reviewer can claim or decide the case; when it
ends without a decision the case is free again, with nothing to clean up (a lease is live only
while its `until` is in the future, so an abandoned one needs no sweeper).
"""
import dataclasses
import datetime as dt

from domainkit.identity import normalise_cnic
from domainkit.registration import parse_registration_number
from verification.domain import case as states

WORDS, CNIC, REGISTRATION_NUMBER = "words", "cnic", "registration_number"
ASSIGNED_TO_ME, UNASSIGNED = "me", "unassigned"
ASSIGNMENTS = (ASSIGNED_TO_ME, UNASSIGNED)


@dataclasses.dataclass(frozen=True)
class Search:
    """What was typed, as the queue looks it up: `kind` WORDS (an id or name words), CNIC (13 digits),
    or REGISTRATION_NUMBER (canonical form)."""
    kind: str
    value: str

    @property
    def in_every_state(self) -> bool:
        return self.kind != WORDS


def parse_search(text: str | None) -> Search | None:
    """The search `text` asks for; None when it is empty."""
    text = (text or "").strip()
    if not text:
        return None
    cnic = normalise_cnic(text) if any(c.isdigit() for c in text) else None
    if cnic:
        return Search(CNIC, cnic)
    number = parse_registration_number(text)
    if number is not None:
        return Search(REGISTRATION_NUMBER, number.canonical)
    return Search(WORDS, text)


@dataclasses.dataclass(frozen=True)
class QueueFilter:
    """Which cases a page of the queue holds. Exactly one of `words`, `cnic_index` and `registration_number`
    at most; the others narrow `states`. `now` decides which leases are live (for `assigned`)."""
    states: tuple[str, ...]
    now: dt.datetime
    words: str | None = None  # an application id or the start of name words
    cnic_index: str | None = None  # the blind index of a CNIC
    registration_number: str | None = None
    flag: str | None = None  # the name of a check that flagged the case
    province: str | None = None
    received_before: dt.datetime | None = None  # waited at least since then
    assigned: str | None = None  # ASSIGNED_TO_ME (with `reviewer`) or UNASSIGNED; None: either
    reviewer: str | None = None


@dataclasses.dataclass(frozen=True)
class Lease:
    """A reviewer's claim on a case, live until `until`."""
    reviewer: str
    until: dt.datetime

    def as_dict(self) -> dict:
        return {"reviewer": self.reviewer, "until": self.until}


class NotClaimable(Exception):
    """The case is not waiting for a reviewer: there is nothing to claim."""


class ClaimedByAnother(Exception):
    """Another reviewer holds a live lease on the case."""

    def __init__(self, lease: Lease):
        super().__init__(f"{lease.reviewer} is working on this case until {lease.until.isoformat()}")
        self.lease = lease


def live_lease(case: dict, now: dt.datetime) -> Lease | None:
    """The lease on `case` that still holds at `now`, if any."""
    stored = case.get("lease")
    if not stored or stored["until"] <= now:
        return None
    return Lease(stored["reviewer"], stored["until"])


def check_claim(case: dict, reviewer: str, now: dt.datetime) -> None:
    """Whether `reviewer` may claim (or decide) `case` now; NotClaimable or ClaimedByAnother if not."""
    if case["state"] not in states.REVIEWED:
        raise NotClaimable(case["state"])
    lease = live_lease(case, now)
    if lease is not None and lease.reviewer != reviewer:
        raise ClaimedByAnother(lease)
