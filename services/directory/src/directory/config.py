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
    webhook_signing_key: str = setting("WEBHOOK_SIGNING_KEY", "",
                                       "the partners' webhook signing secrets are derived from it (any long random "
                                       "string; changing it changes every partner's secret); unset, webhooks are off",
                                       secret=True)
    webhook_require_https: bool = setting("WEBHOOK_REQUIRE_HTTPS", True,
                                          "partners' webhook addresses must be https (the local stack allows http "
                                          "for its test receivers)")
    webhook_allow_private_addresses: bool = setting("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False,
                                                    "partners' webhook addresses may resolve to private, loopback or "
                                                    "reserved networks (the local stack's test receivers)")
    webhook_retry_seconds: float = setting("WEBHOOK_RETRY_SECONDS", 30.0,
                                           "a failed webhook delivery is retried after this, then twice as long "
                                           "each time, at most an hour apart")
    webhook_give_up_hours: float = setting("WEBHOOK_GIVE_UP_HOURS", 72.0,
                                           "a webhook delivery failing this long is given up (the log shows it)")
    scheduler_idle_seconds: float = setting("SCHEDULER_IDLE_SECONDS", 0.5,
                                            "how long the webhook sender waits when nothing is due")
