"""Intake's settings (environment variable → field); see servicekit.config."""
import dataclasses

from servicekit.config import BenefitConfig, setting


@dataclasses.dataclass(frozen=True)
class Config(BenefitConfig):
    port: int = setting("PORT", 8001, "HTTP port of the web app")
    mongodb_database: str = setting("MONGODB_DATABASE", "intake", "this service's own database")
    pii_key: str = setting("INTAKE_PII_KEY", "", "base64 32-byte key encrypting personal data at rest", secret=True)
    event_pii_key: str = setting("EVENT_PII_KEY", "", "base64 32-byte key sealing personal data in events "
                                 "(shared with verification and notification)", secret=True)
    cnic_index_key: str = setting("CNIC_INDEX_KEY", "", "base64 32-byte key of the CNIC blind index", secret=True)
    secret_key: str = setting("INTAKE_SECRET_KEY", "", "signs the web form's session cookie (CSRF)",
                              secret=True)
    service_token: str = setting("INTAKE_SERVICE_TOKEN", "", "bearer token other services use to read documents",
                                 secret=True)
    submit_limit_per_hour: int = setting("SUBMIT_LIMIT_PER_HOUR", 30, "submissions per client address per hour")
    status_limit_per_minute: int = setting("STATUS_LIMIT_PER_MINUTE", 120, "status lookups per client address per minute")
    directory_public_url: str = setting("DIRECTORY_PUBLIC_URL", "http://127.0.0.1:8004",
                                        "the public directory, where certificates' QR codes point")
    document_max_bytes: int = setting("DOCUMENT_MAX_BYTES", 5 * 1024 * 1024, "largest accepted document upload")
    cookie_secure: bool = setting("COOKIE_SECURE", False, "send the session cookie over https only")
    renewal_opens_days_before: float = setting("RENEWAL_OPENS_DAYS_BEFORE", 60.0, "a registrant may ask for renewal "
                                               "this many days before the registration expires")
    revoked_cnic_blocks: bool = setting("REVOKED_CNIC_BLOCKS", True, "a revoked registration keeps its CNIC from "
                                        "new applications (false: the person may apply afresh)")
    renewal_grace_days: float = setting("RENEWAL_GRACE_DAYS", 30.0, "and until this many days after (then the CNIC "
                                        "is free for a new application)")
    sign_in_by_sms: bool = setting("SIGN_IN_BY_SMS", False, "offer sign-in codes by SMS as well as by email (set it "
                                   "where notification has an SMS gateway)")
    sign_in_codes_per_hour: int = setting("SIGN_IN_CODES_PER_HOUR", 5, "one-time sign-in codes sent to one email "
                                          "address or mobile number per hour")
    sign_in_limit_per_hour: int = setting("SIGN_IN_LIMIT_PER_HOUR", 60, "sign-in requests (codes asked for and "
                                          "codes typed) per client address per hour")
    sign_in_minutes: int = setting("SIGN_IN_MINUTES", 30, "how long a sign-in by one-time code lasts")
    pii_keys_old: str = setting("INTAKE_PII_KEYS_OLD", "", "earlier INTAKE_PII_KEY values, comma-separated, while "
                                "`cli rewrap-data-keys` moves the data keys they wrap under the current one",
                                secret=True)
    notification_service_token: str = setting("NOTIFICATION_SERVICE_TOKEN", "",
                                              "bearer token notification uses to get applicants' contact keys",
                                              secret=True)
    payments_service_token: str = setting("PAYMENTS_SERVICE_TOKEN", "",
                                          "bearer token payments uses to get the names fee vouchers are made out to",
                                          secret=True)
    erase_closed_after_days: float = setting("ERASE_CLOSED_AFTER_DAYS", 730.0,
                                             "rejected, withdrawn and lapsed applications are erased this long after "
                                             "they closed (the retention policy)")
    erase_registrations_after_years: float = setting("ERASE_REGISTRATIONS_AFTER_YEARS", 10.0,
                                                     "registrations the board must keep are erased this long after "
                                                     "they ended (expired or revoked): the legal retention")
