"""What the service layer works with, passed in by the caller (the bootstrap builds the real ones,
unit tests pass in-memory fakes): the repositories' contracts and the few settings the rules need."""
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

from domainkit.clock import utc_now
from verification.domain.case import Transition
from verification.domain.queue import QueueFilter


class Cases(Protocol):
    """Verification cases (adapters.cases.CaseRepository)."""

    def get(self, application_id: str) -> dict | None: ...

    def open(self, application_id: str, application: dict, event_note: dict, at: dt.datetime) -> dict | None: ...

    def open_many(self, applications: list[tuple[str, dict, dict]], at: dt.datetime) -> dict[str, dict]: ...

    def reopen(self, application_id: str, application: dict, event_note: dict, at: dt.datetime) -> dict | None: ...

    def note_ignored_amendment(self, application_id: str, event_note: dict, at: dt.datetime) -> bool: ...

    def withdraw(self, application_id: str, event_id: str, at: dt.datetime) -> bool: ...

    def record_document(self, application_id: str, document: dict) -> bool: ...

    def record_listing_preference(self, application_id: str, registration_number: str, listed: bool, event_id: str,
                                  audit: dict, event: dict) -> bool: ...

    def transition(self, change: Transition) -> bool: ...

    def transition_many(self, changes: list[Transition]) -> int: ...

    def record_view(self, application_id: str, audit: dict, event: dict) -> dict | None: ...

    def record_audit(self, application_id: str, audit: dict, event: dict) -> None: ...

    def sharing_identity(self, application_id: str, indexes: dict) -> list[dict]: ...

    def sharing_any(self, indexes: list[dict]) -> list[dict]: ...

    def queue(self, wanted: QueueFilter, limit: int, after: tuple | None = None) -> list[dict]: ...

    def due_information_requests(self, now: dt.datetime, limit: int) -> list[dict]: ...

    def record_information_reminder(self, case: dict, audit: dict, event: dict) -> bool: ...

    def due_registrations(self, now: dt.datetime, limit: int) -> list[dict]: ...

    def record_reminder(self, case: dict, remaining: tuple, audit: dict, event: dict) -> bool: ...

    def unscheduled_registrations(self, limit: int) -> list[dict]: ...

    def schedule_expiry(self, case: dict, expires_at: dt.datetime, reminders: tuple) -> bool: ...

    def record_grace_end(self, case: dict, audit: dict, event: dict) -> bool: ...

    def record_action_request(self, case: dict, pending: dict, audit: dict) -> bool: ...

    def cancel_action_request(self, application_id: str, kind: str, audit: dict) -> bool: ...

    def awaiting_second_admin(self, limit: int) -> list[dict]: ...

    def same_identity(self, cnic_index: str, limit: int) -> list[dict]: ...

    def count_awaiting_second_admin(self) -> int: ...

    def count_claimed(self, states: tuple[str, ...], now: dt.datetime, reviewer: str | None = None) -> int: ...

    def count(self, wanted: QueueFilter) -> int: ...

    def claim(self, application_id: str, reviewable: tuple[str, ...], lease: dict, now: dt.datetime,
              audit: dict) -> bool: ...

    def release(self, application_id: str, reviewer: str, audit: dict) -> bool: ...


class RegistrationNumbers(Protocol):
    def next(self, year: int) -> int: ...

    def next_block(self, year: int, count: int) -> int: ...


class Reviewers(Protocol):
    """Reviewer accounts and their API tokens (adapters.reviewers.ReviewerRepository)."""

    def add(self, username: str, password_hash: str, role: str, audit: dict | None = None) -> bool: ...

    def get(self, username: str) -> dict | None: ...

    def upgrade_password_hash(self, username: str, old_hash: str, new_hash: str) -> bool: ...

    def deactivate(self, username: str, audit: dict) -> bool: ...

    def reactivate(self, username: str, audit: dict) -> bool: ...

    def replace_password(self, username: str, password_hash: str, audit: dict) -> bool: ...

    def store_token(self, token_hash: str, username: str, role: str, expires_at: dt.datetime,
                    credentials_version: int = 0) -> None: ...

    def find_token(self, token_hash: str) -> dict | None: ...

    def revoke_tokens(self, username: str) -> int: ...


class Documents(Protocol):
    def fetch(self, application_id: str, kind: str) -> tuple[str, Iterable[bytes]]: ...


class Sealer(Protocol):
    def seal(self, data: dict) -> str: ...

    def unseal(self, sealed: str) -> dict: ...


@dataclasses.dataclass(frozen=True)
class Dependencies:
    cases: Cases
    numbers: RegistrationNumbers
    reviewers: Reviewers
    documents: Documents
    events_sealer: Sealer  # EVENT_PII_KEY: opens events of earlier versions, seals their applicants' contact
    index_key: bytes  # the blind indexes' key (domainkit.people)
    disposable_domains: frozenset[str] = frozenset()
    blocklist: frozenset[str] = frozenset()  # "cnic:…", "email:…", "mobile:…", "domain:…"
    validity_days: float = 365  # how long a registration is valid
    reminder_days: tuple[float, ...] = (30, 7)  # reminders this long before a registration expires
    token_ttl_hours: int = 12  # lifetime of a reviewer's API token
    renewal_opens_days_before: float = 60  # a registration may ask for renewal this long before its expiry
    renewal_grace_days: float = 30  # and until this long after it; then its CNIC is free
    lease_minutes: float = 30  # how long a reviewer's claim on a case lasts (domain.queue)
    information_deadline_days: float = 14  # an applicant asked for more has this long (domain.information)
    information_reminder_days: float = 3  # reminded this long before the deadline
    clock: Callable[[], dt.datetime] = utc_now
    # opens the identity part intake seals under each applicant's own key (servicekit.data_keys), and the
    # earlier versions' EVENT_PII_KEY ciphertexts; None: events_sealer alone (unit tests of earlier events)
    events_keyring: object | None = None

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.clock().date()

    def open_sealed(self, sealed: str) -> dict:
        """The applicant's personal data from an event's (or a case's) `sealed` part. KeyErased (servicekit.crypto)
        when the applicant's data was erased; KeysUnavailable while intake, which holds the keys, is down."""
        return (self.events_keyring or self.events_sealer).unseal(sealed)
