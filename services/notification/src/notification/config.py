"""Notification's settings (environment variable → field); see servicekit.config."""
import dataclasses

from servicekit.config import BenefitConfig, setting


@dataclasses.dataclass(frozen=True)
class Config(BenefitConfig):
    port: int = setting("PORT", 8003, "HTTP port of the web app")
    mongodb_database: str = setting("MONGODB_DATABASE", "notification", "this service's own database")
    event_pii_key: str = setting("EVENT_PII_KEY", "", "base64 32-byte key of the personal data sealed in events",
                                 secret=True)
    intake_url: str = setting("INTAKE_URL", "http://127.0.0.1:8001",
                              "intake's base URL, where the applicants' contact keys are asked for")
    intake_service_token: str = setting("NOTIFICATION_SERVICE_TOKEN", "",
                                        "bearer token notification shows intake for applicants' contact keys",
                                        secret=True)
    operator_token: str = setting("NOTIFICATION_OPERATOR_TOKEN", "", "bearer token for the operator API", secret=True)
    smtp_host: str = setting("SMTP_HOST", "127.0.0.1", "SMTP server for email")
    smtp_port: int = setting("SMTP_PORT", 1025, "SMTP server port")
    smtp_username: str = setting("SMTP_USERNAME", "", "SMTP login, if the server needs one")
    smtp_password: str = setting("SMTP_PASSWORD", "", "SMTP password", secret=True)
    smtp_security: str = setting("SMTP_SECURITY", "none", "none, starttls or tls")
    mail_from: str = setting("MAIL_FROM", "Freelancer Registry <no-reply@registry.example.pk>", "sender address")
    sms_gateway_url: str = setting("SMS_GATEWAY_URL", "", "HTTP SMS gateway; empty keeps messages in SMS_SINK_DIR",
                                   secret=True)  # gateways take their API key in the URL
    sms_request_template: str = setting("SMS_REQUEST_TEMPLATE", '{"to": "{to}", "text": "{text}"}',
                                        "JSON body posted to the gateway; {to} and {text} are filled in",
                                        secret=True)  # or in the body
    sms_sink_dir: str = setting("SMS_SINK_DIR", ".local/sms", "where the local SMS sink keeps messages")
    intake_public_url: str = setting("INTAKE_PUBLIC_URL", "http://127.0.0.1:8001", "applicants' status pages")
    directory_public_url: str = setting("DIRECTORY_PUBLIC_URL", "http://127.0.0.1:8004",
                                        "the public directory, where certificates' QR codes point")
    retry_base_seconds: float = setting("DELIVERY_RETRY_SECONDS", 1.0,
                                        "pause before the first retry of a message that failed for a passing "
                                        "reason (server down, 4xx); doubles with each failure")
    retry_max_seconds: float = setting("DELIVERY_RETRY_MAX_SECONDS", 120.0,
                                       "longest pause between retries: once the server is back, every waiting "
                                       "message goes out within about this long")
    give_up_hours: float = setting("DELIVERY_GIVE_UP_HOURS", 24.0,
                                   "a message still not delivered this long after its event arrived is recorded "
                                   "as failed (reason expired) and left to an operator's re-send")
    delivery_log_days: float = setting("DELIVERY_LOG_DAYS", 90.0,
                                       "how long a delivery record is kept after it was made (then the server deletes "
                                       "it: TTL); must outlast DELIVERY_GIVE_UP_HOURS, since an event older than that "
                                       "is never sent, record or not")
