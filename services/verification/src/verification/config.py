"""Verification's settings (environment variable → field); see servicekit.config."""
import dataclasses

from servicekit.config import BaseConfig, setting


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    port: int = setting("PORT", 8002, "HTTP port of the web app")
    mongodb_database: str = setting("MONGODB_DATABASE", "verification", "this service's own database")
