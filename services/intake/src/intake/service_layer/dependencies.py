"""What intake's service layer works with, passed in by the caller (the bootstrap builds the real ones,
unit tests pass in-memory fakes): the repositories' contracts and the keys."""
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Protocol

from domainkit.benefit import TaxBenefit
from domainkit.clock import utc_now


class Applications(Protocol):
    """Applications and their CNIC claims (adapters.applications.ApplicationRepository)."""

    def get(self, application_id: str, projection: dict | None = None) -> dict | None: ...

    def exists(self, application_id: str) -> bool: ...

    def add(self, application: dict, events: list[dict]) -> None: ...

    def amend(self, application_id: str, revision: int, changes: dict, timeline_entry: dict,
              event: dict) -> dict | None: ...

    def withdraw(self, application_id: str, at: dt.datetime, timeline_entry: dict, event: dict) -> dict | None: ...

    def request_withdrawal(self, application_id: str, at: dt.datetime, timeline_entry: dict,
                           event: dict) -> dict | None: ...

    def record_document(self, application_id: str, info: dict, event: dict) -> bool: ...

    def record_listing_preference(self, application_id: str, listed: bool, at: dt.datetime,
                                  event: dict) -> dict | None: ...

    def record_decision(self, application_id: str, event_id: str, allowed_from: list[str], decision: dict,
                        timeline_entry: dict, holds_cnic: bool = True, reclaim: bool = False) -> bool: ...

    def request_renewal(self, application_id: str, status: str, prc: dict, timeline_entry: dict,
                        event: dict) -> dict | None: ...

    def end_renewal_grace(self, application_id: str, event_id: str, timeline_entry: dict) -> bool: ...

    def record_voucher_issued(self, application_id: str, voucher: dict) -> bool: ...

    def settle_voucher(self, application_id: str, number: str, status: str) -> bool: ...

    def record_look(self, application_id: str, look: dict, keep: int) -> bool: ...

    def record_information_request(self, application_id: str, event_id: str, request: dict,
                                   timeline_entry: dict) -> bool: ...

    def record_requested_document(self, application_id: str, info: dict, request_event_id: str,
                                  outstanding: list[str], timeline_entry: dict | None, events: list[dict]) -> bool: ...

    def latest_with_contact(self, contact_index: str) -> dict | None: ...

    def list_with_contact(self, contact_index: str, limit: int) -> list[dict]: ...

    def get_with_contact(self, application_id: str, contact_index: str) -> dict | None: ...

    def note_sign_in_code(self, application_id: str, at: dt.datetime, event: dict) -> bool: ...

    def count_without_contact_index(self) -> int: ...

    def without_contact_index_after(self, after_id: str | None, limit: int) -> list[dict]: ...

    def set_contact_index(self, application_id: str, contact_index: list[str]) -> bool: ...

    def count(self) -> int: ...

    def cnic_indexes_after(self, after_id: str | None, limit: int) -> list[dict]: ...

    def rekey_cnic(self, application_id: str, old_index: str | None, new_index: str) -> str: ...

    def drop_legacy_claims(self) -> None: ...

    def cnic_index_recipe_version(self) -> int | None: ...

    def stamp_cnic_index_recipe(self, version: int, how: str) -> None: ...

    def stamp_cnic_index_recipe_if_no_applications(self, version: int) -> bool: ...


class Documents(Protocol):
    """Uploaded files (adapters.documents.DocumentStore)."""

    def put(self, application_id: str, kind: str, content_type: str, content: bytes) -> dict: ...

    def get(self, application_id: str, kind: str) -> tuple[dict, bytes] | None: ...


class Drafts(Protocol):
    """Applications their applicant is checking before sending them (adapters.drafts.DraftStore)."""

    def keep(self, draft_id: str, answers: dict, files: dict[str, tuple[str, bytes]], at: dt.datetime) -> None: ...

    def find(self, draft_id: str, not_before: dt.datetime) -> tuple[dict, dict[str, tuple[str, bytes]]] | None: ...

    def discard(self, draft_id: str) -> None: ...


class SignInChallenges(Protocol):
    """One-time sign-in codes asked for (adapters.sign_in_challenges.SignInChallenges)."""

    def open(self, challenge: dict) -> None: ...

    def count_opened_since(self, address_index: str, since: dt.datetime) -> int: ...

    def take_attempt(self, challenge_id: str, now: dt.datetime, max_attempts: int) -> dict | None: ...

    def mark_used(self, challenge_id: str, now: dt.datetime) -> bool: ...


class Sealer(Protocol):
    def seal(self, data: dict) -> str: ...

    def unseal(self, sealed: str) -> dict: ...


@dataclasses.dataclass(frozen=True)
class Keys:
    at_rest: Sealer  # drafts; and records of earlier versions (each application has its own keys now: data_keys)
    in_events: Sealer  # events of earlier versions (verification and notification hold it to read them)
    cnic_index: bytes  # the blind indexes' key (domainkit.people): CNICs, and emails and mobiles for sign-in
    sign_in: bytes = b""  # the key one-time sign-in codes are kept under (an HMAC; domain/sign_in.py)


@dataclasses.dataclass(frozen=True)
class Dependencies:
    keys: Keys
    applications: Applications
    documents: Documents
    drafts: Drafts | None = None  # only the web pages use drafts
    clock: Callable[[], dt.datetime] = utc_now
    renewal_opens_days_before: float = 60  # a registration may ask for renewal this long before its expiry
    renewal_grace_days: float = 30  # and until this long after it
    revoked_cnic_blocks: bool = True  # a revoked registration keeps its CNIC from new applications
    # documentkit.certificate.render_certificate(full_name, number, skills, issued_on, valid_until, verify_url,
    # benefit=(english, urdu)) -> PDF
    render_certificate: Callable[..., bytes] | None = None
    directory_public_url: str = "http://127.0.0.1:8004"  # where a certificate's QR code points
    sign_in_challenges: SignInChallenges | None = None  # only the web pages sign applicants in
    sign_in_by_sms: bool = False  # codes may go by SMS (notification has a gateway)
    sign_in_codes_per_hour: int = 5  # codes sent to one address per hour
    tax_benefit: TaxBenefit = TaxBenefit()  # what a registration is worth (WITHHOLDING_RATE_*), on the certificate
    # the applicants' own keys (service_layer/data_keys.DataKeys): records and events are sealed under them
    data_keys: object | None = None
    erasures: object | None = None  # adapters/erasures.ErasureRepository: erasing applications' personal data

    def now(self) -> dt.datetime:
        return self.clock()

    def sealer(self, application_id: str, part: str) -> Sealer:
        """Seals under the application's own key of `part` (domain/data_keys.py)."""
        return self.data_keys.sealer(application_id, part)

    def unseal_record(self, sealed: str) -> dict:
        """An application's personal data as stored: under its own key, or INTAKE_PII_KEY (earlier versions)."""
        return self.data_keys.keyring().unseal(sealed)
