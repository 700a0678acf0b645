"""Verification's settings (environment variable → field); see servicekit.config."""
import dataclasses

from servicekit.config import BaseConfig, setting


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    port: int = setting("PORT", 8002, "HTTP port of the web app")
    mongodb_database: str = setting("MONGODB_DATABASE", "verification", "this service's own database")
    event_pii_key: str = setting("EVENT_PII_KEY", "", "base64 32-byte key of the personal data sealed in events",
                                 secret=True)
    index_key: str = setting("CNIC_INDEX_KEY", "", "base64 32-byte key of the blind indexes (CNIC, email, mobile)",
                             secret=True)
    secret_key: str = setting("VERIFICATION_SECRET_KEY", "", "signs the console's session cookie", secret=True)
    intake_url: str = setting("INTAKE_URL", "http://127.0.0.1:8001", "intake's base URL, to fetch documents")
    intake_service_token: str = setting("INTAKE_SERVICE_TOKEN", "", "bearer token for intake's document API",
                                        secret=True)
    validity_days: float = setting("REGISTRATION_VALIDITY_DAYS", 365.0, "how long a registration is valid, in days "
                                   "(fractions allowed: tests use minutes)")
    reminder_days: str = setting("EXPIRY_REMINDER_DAYS", "30,7", "reminders this many days before a registration "
                                 "expires, comma-separated (each sent once; the expiry itself is told too)")
    expiry_sweep_seconds: float = setting("EXPIRY_SWEEP_SECONDS", 60.0, "how often the scheduler sends the "
                                          "reminders due and expires registrations past their validity")
    renewal_opens_days_before: float = setting("RENEWAL_OPENS_DAYS_BEFORE", 60.0, "a registrant may ask for "
                                               "renewal this many days before the registration expires")
    renewal_grace_days: float = setting("RENEWAL_GRACE_DAYS", 30.0, "and until this many days after; then the "
                                        "CNIC is free for a new application (RenewalGraceEnded)")
    review_lease_minutes: float = setting("REVIEW_LEASE_MINUTES", 30.0, "how long a reviewer's claim on a case "
                                          "lasts; it ends sooner when they decide or release it")
    information_deadline_days: float = setting("INFORMATION_DEADLINE_DAYS", 14.0, "how long an applicant has to send "
                                               "what a reviewer asked for; then the application lapses")
    information_reminder_days: float = setting("INFORMATION_REMINDER_DAYS", 3.0, "one reminder this many days before "
                                               "that deadline")
    token_ttl_hours: int = setting("REVIEWER_TOKEN_TTL_HOURS", 12, "lifetime of a reviewer's API token")
    disposable_email_domains: str = setting("DISPOSABLE_EMAIL_DOMAINS", "",
                                            "extra disposable email domains, comma-separated")
    blocklist_file: str = setting("BLOCKLIST_FILE", "", "file of blocked identities: lines 'cnic:…', "
                                  "'email:…', 'mobile:…' or 'domain:…'")
    cookie_secure: bool = setting("COOKIE_SECURE", False, "send the console's cookie over https only")
