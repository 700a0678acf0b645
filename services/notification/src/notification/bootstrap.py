"""The composition root: notification's parts built from its config, once per process, on first use.

The first build in a process also makes the database ready: every declared index
(adapters/indexes.py, idempotent; the delivery log's TTL among them), and the collection of the due-retry
entries an earlier version kept (`notifications_due`) dropped — the scheduler finds due retries through an
index now. Delivery records of versions before the TTL have no `purge_at` and are kept (no backfill: it would
read the whole log at every start); an operator may delete them.
"""
import datetime as dt
import os

from eventkit.indexes import ensure_indexes
from eventkit.mongo import get_database
from documentkit.certificate import render_certificate
from domainkit.benefit import TaxBenefit
from documentkit.voucher import render_voucher
from notification.adapters.email import SmtpSender
from notification.adapters.indexes import INDEXES
from notification.adapters.notifications import DeliveryLog
from notification.adapters.sms import FileSmsSink, HttpSmsGateway
from notification.config import Config
from notification.service_layer.dependencies import Dependencies
from notification.service_layer.handlers import handle_event
from servicekit.crypto import Sealer, decode_key
from servicekit.data_keys import RemoteDataKeys, events_keyring

LEGACY_DUE_ENTRIES = "notifications_due"


def check_settings(config: Config) -> None:
    """Fail fast, naming the variable, when a setting is missing or malformed."""
    decode_key(config.event_pii_key, "EVENT_PII_KEY")
    if config.smtp_security not in ("none", "starttls", "tls"):
        raise ValueError("SMTP_SECURITY must be none, starttls or tls")
    if not 0 < config.retry_base_seconds <= config.retry_max_seconds:
        raise ValueError("DELIVERY_RETRY_SECONDS must be above 0 and at most DELIVERY_RETRY_MAX_SECONDS")
    if config.give_up_hours <= 0:
        raise ValueError("DELIVERY_GIVE_UP_HOURS must be above 0")
    if config.delivery_log_days * 24 <= config.give_up_hours + 24:
        # a record is what stops its event being sent twice: it must outlive the time its event can still be sent
        raise ValueError("DELIVERY_LOG_DAYS must be longer than DELIVERY_GIVE_UP_HOURS and a day")


def email_sender(config: Config) -> SmtpSender:
    return SmtpSender(config.smtp_host, config.smtp_port, config.smtp_security, config.smtp_username,
                      config.smtp_password, config.mail_from)


def sms_sender(config: Config) -> FileSmsSink | HttpSmsGateway:
    if config.sms_gateway_url:
        return HttpSmsGateway(config.sms_gateway_url, config.sms_request_template)
    return FileSmsSink(config.sms_sink_dir)


_built: dict[tuple[int, Config], Dependencies] = {}


def notification_for(config: Config) -> Dependencies:
    """This process's notification, built (and its database made ready) on first use: after a fork."""
    key = (os.getpid(), config)
    if key not in _built:
        db = get_database(config.mongodb_uri, config.mongodb_database)
        ensure_indexes(db, INDEXES)
        db.drop_collection(LEGACY_DUE_ENTRIES)
        events_sealer = Sealer(decode_key(config.event_pii_key, "EVENT_PII_KEY"))
        data_keys = RemoteDataKeys(config.intake_url, config.intake_service_token)
        _built[key] = Dependencies(
            deliveries=DeliveryLog(db, dt.timedelta(days=config.delivery_log_days)),
            email=email_sender(config),
            sms=sms_sender(config),
            events_sealer=events_sealer,
            contact_keyring=events_keyring(data_keys, events_sealer), forget_data_keys=data_keys.forget,
            render_certificate=render_certificate, render_voucher=render_voucher,
            intake_public_url=config.intake_public_url,
            directory_public_url=config.directory_public_url,
            retry_base_seconds=config.retry_base_seconds,
            retry_max_seconds=config.retry_max_seconds,
            give_up_hours=config.give_up_hours,
            delivery_log_days=config.delivery_log_days,
            tax_benefit=TaxBenefit(config.withholding_rate_registered, config.withholding_rate_standard),
        )
    return _built[key]


def event_handler(config: Config):
    """The handler the worker runs; notification's parts are built on the first event, after fork."""
    def handle(envelope: dict) -> None:
        handle_event(notification_for(config), envelope)
    return handle
