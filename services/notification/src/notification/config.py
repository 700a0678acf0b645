"""Notification's settings (environment variable → field); see servicekit.config."""
import dataclasses

from servicekit.config import BaseConfig, setting


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    port: int = setting("PORT", 8003, "HTTP port of the web app")
    mongodb_database: str = setting("MONGODB_DATABASE", "notification", "this service's own database")
    smtp_host: str = setting("SMTP_HOST", "127.0.0.1", "SMTP server for email")
    smtp_port: int = setting("SMTP_PORT", 1025, "SMTP server port")
