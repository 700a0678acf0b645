"""Directory's settings (environment variable → field); see servicekit.config."""
import dataclasses

from eventkit.topics import VERIFICATION_EVENTS
from servicekit.config import BenefitConfig, setting


@dataclasses.dataclass(frozen=True)
class Config(BenefitConfig):
    port: int = setting("PORT", 8004, "HTTP port of the web app")
    mongodb_database: str = setting("MONGODB_DATABASE", "directory", "this service's own database")
    verify_limit_per_minute: int = setting("VERIFY_LIMIT_PER_MINUTE", 120,
                                           "registration-number checks per client address per minute")
    decisions_topic: str = setting("DECISIONS_TOPIC", VERIFICATION_EVENTS,
                                   "topic of verification's decisions that listings and search are built from "
                                   "(the benchmark points an instance of its own at a seeded topic)")
    web_preload: bool = setting("WEB_PRELOAD", False,
                                "load the search index once in gunicorn's master before it forks the web workers "
                                "(deploy/gunicorn.conf.py reads the same variable): ready after one load, not "
                                "one per worker")
