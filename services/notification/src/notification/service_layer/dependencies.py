"""What the service layer works with, passed in by the caller (the bootstrap builds the real ones,
unit tests pass in-memory fakes): the delivery log's contract, the senders, and the few settings
the delivery rules need."""
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Protocol

from domainkit.benefit import TaxBenefit
from domainkit.clock import utc_now


class Deliveries(Protocol):
    """The delivery log (adapters.notifications.DeliveryLog); every move is conditional on the status."""

    def open_claimed(self, record_id: str, fields: dict, envelope: dict, at: dt.datetime) -> tuple[dict, bool]: ...

    def claim_pending(self, record_id: str, at: dt.datetime) -> bool: ...

    def mark_sent(self, record_id: str, provider_id: str, event: dict, at: dt.datetime) -> bool: ...

    def mark_failed(self, record_id: str, error: str, event: dict, at: dt.datetime,
                    attempted: bool = True) -> bool: ...

    def reschedule(self, record_id: str, next_attempt_at: dt.datetime, error: str, at: dt.datetime) -> bool: ...

    def mark_uncertain(self, record_id: str, error: str, event: dict, at: dt.datetime,
                       attempts: int | None = None) -> bool: ...

    def claim_due(self, at: dt.datetime) -> dict | None: ...

    def mark_stale_sending_uncertain(self, claimed_before: dt.datetime, failed_event: Callable[[dict], dict],
                                     at: dt.datetime) -> list[dict]: ...

    def get(self, record_id: str) -> dict | None: ...

    def resends_of(self, record_id: str) -> list[dict]: ...

    def add_resend(self, original: dict, number: int, fields: dict, at: dt.datetime) -> dict: ...

    def for_application(self, application_id: str) -> list[dict]: ...

    def with_status(self, status: str, limit: int, after: tuple[dt.datetime, str] | None = None) -> list[dict]: ...

    def delete_for_application(self, application_id: str) -> int:
        """Delete every record of the application, re-sends included; how many (ApplicationErased)."""


class EmailSender(Protocol):
    """adapters.email.SmtpSender: returns the Message-ID; raises domain.messages' failures."""

    def send(self, to: str, subject: str, text: str, html: str, language: str, message_key: str,
             attachments=()) -> str: ...


class SmsSender(Protocol):
    """adapters.sms.FileSmsSink or HttpSmsGateway: returns the provider's id; raises domain.messages' failures."""

    def send(self, to: str, text: str, message_key: str) -> str: ...


class Unsealer(Protocol):
    def unseal(self, sealed: str) -> dict: ...


# documentkit.certificate.render_certificate(full_name, registration_number, skills, issued_on, valid_until,
# verify_url, benefit=(english, urdu)) -> PDF bytes
CertificateRenderer = Callable[..., bytes]
# adapters.voucher.render_voucher(payer_name, voucher_number, amount, due_date, application_id) -> PDF bytes
VoucherRenderer = Callable[[str, str, int, str, str], bytes]


@dataclasses.dataclass(frozen=True)
class Dependencies:
    deliveries: Deliveries
    email: EmailSender
    sms: SmsSender
    events_sealer: Unsealer  # opens what earlier versions sealed in events (EVENT_PII_KEY)
    render_certificate: CertificateRenderer
    render_voucher: VoucherRenderer
    intake_public_url: str  # applicants' status pages
    directory_public_url: str  # where certificates' QR codes point
    retry_base_seconds: float = 1.0  # DELIVERY_RETRY_SECONDS
    retry_max_seconds: float = 120.0  # DELIVERY_RETRY_MAX_SECONDS
    give_up_hours: float = 24.0  # DELIVERY_GIVE_UP_HOURS
    delivery_log_days: float = 90.0  # DELIVERY_LOG_DAYS: events older than this, less a day, are never sent
    tax_benefit: TaxBenefit = TaxBenefit()  # what a registration is worth (WITHHOLDING_RATE_*): emails, certificates
    clock: Callable[[], dt.datetime] = utc_now  # the time the rules go by (tests set their own)
    # opens the `contact` part intake seals under each applicant's contact key (servicekit.data_keys; notification
    # may get no other part), and EVENT_PII_KEY ciphertexts of earlier versions; None: events_sealer alone
    contact_keyring: Unsealer | None = None
    # drops whatever this process has cached of an application's data keys (servicekit.data_keys.RemoteDataKeys'
    # `forget`), once the application is erased; does nothing when keys are not fetched (tests, events_sealer alone)
    forget_data_keys: Callable[[str], None] = lambda application_id: None

    def now(self) -> dt.datetime:
        return self.clock()

    def open_contact(self, sealed: str) -> dict:
        """A `contact` (or sign-in `code`) part; KeyErased (servicekit.crypto) once the applicant's data is erased."""
        return (self.contact_keyring or self.events_sealer).unseal(sealed)
