"""The composition root: notification's parts built from its config, once per process, on first use."""
import dataclasses
import datetime as dt
import os
from collections.abc import Callable

from eventkit.mongo import get_database
from notification.adapters.email import SmtpSender
from notification.adapters.notifications import DeliveryLog, now
from notification.adapters.sms import FileSmsSink, HttpSmsGateway
from notification.config import Config
from servicekit.crypto import Sealer, decode_key


@dataclasses.dataclass(frozen=True)
class Notification:
    config: Config
    events_sealer: Sealer
    log: DeliveryLog
    email: SmtpSender
    sms: object  # FileSmsSink or HttpSmsGateway
    clock: Callable[[], dt.datetime] = now  # the time the service layer goes by (tests set their own)


def check_settings(config: Config) -> None:
    decode_key(config.event_pii_key, "EVENT_PII_KEY")
    if config.smtp_security not in ("none", "starttls", "tls"):
        raise ValueError("SMTP_SECURITY must be none, starttls or tls")
    if not 0 < config.retry_base_seconds <= config.retry_max_seconds:
        raise ValueError("DELIVERY_RETRY_SECONDS must be above 0 and at most DELIVERY_RETRY_MAX_SECONDS")
    if config.give_up_hours <= 0:
        raise ValueError("DELIVERY_GIVE_UP_HOURS must be above 0")


_built: dict[tuple[int, Config], Notification] = {}


def notification_for(config: Config) -> Notification:
    key = (os.getpid(), config)
    if key not in _built:
        log = DeliveryLog(get_database(config.mongodb_uri, config.mongodb_database))
        log.ensure_indexes()
        sms = (HttpSmsGateway(config.sms_gateway_url, config.sms_request_template) if config.sms_gateway_url
               else FileSmsSink(config.sms_sink_dir))
        _built[key] = Notification(
            config=config, events_sealer=Sealer(decode_key(config.event_pii_key, "EVENT_PII_KEY")), log=log,
            email=SmtpSender(config.smtp_host, config.smtp_port, config.smtp_security, config.smtp_username,
                             config.smtp_password, config.mail_from),
            sms=sms)
    return _built[key]
