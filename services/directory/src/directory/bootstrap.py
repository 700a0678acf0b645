"""The composition root: directory's parts built from its config, once per process, on first use
(after gunicorn's fork, never at import time). The indexes (adapters/indexes.py) are made then,
before the process serves or consumes."""
import dataclasses
import datetime as dt
import os

from directory.adapters.decision_log import DecisionLog
from directory.adapters.indexes import INDEXES
from directory.adapters.listings import ListingRepository
from directory.adapters.open_data import OpenDataStore
from directory.adapters.partner_keys import PartnerKeyRepository
from directory.adapters.webhooks import INDEXES as WEBHOOK_INDEXES, DeliveryRepository, WatchRepository
from directory.config import Config
from directory.service_layer.handlers import BATCH_HANDLERS, handle_decision
from directory.service_layer.webhooks import WebhookSettings, fan_out
from eventkit.indexes import ensure_indexes
from eventkit.mongo import get_database
from eventkit.position import current_position

STAGING = "listings_rebuild"  # the rebuild's own collection, dropped when it ends


@dataclasses.dataclass(frozen=True)
class Directory:
    config: Config
    listings: ListingRepository
    partner_keys: PartnerKeyRepository  # the partner API's keys (domain/partners.py)
    open_data: OpenDataStore  # the daily open-data files (domain/open_data.py)
    watches: WatchRepository  # the registration numbers partners watch (domain/webhooks.py)
    deliveries: DeliveryRepository  # the webhooks sent or to send, with their attempts


def webhook_settings(config: Config) -> WebhookSettings | None:
    """The webhook sender's settings, or None while WEBHOOK_SIGNING_KEY is unset (webhooks are off)."""
    if not config.webhook_signing_key:
        return None
    return WebhookSettings(signing_key=config.webhook_signing_key.encode(), require_https=config.webhook_require_https,
                           retry_seconds=config.webhook_retry_seconds, give_up_hours=config.webhook_give_up_hours,
                           allow_private=config.webhook_allow_private_addresses)


_built: dict[tuple[int, Config], Directory] = {}


def directory_for(config: Config) -> Directory:
    key = (os.getpid(), config)
    if key not in _built:
        database = get_database(config.mongodb_uri, config.mongodb_database)
        ensure_indexes(database, {**INDEXES, **WEBHOOK_INDEXES})
        _built[key] = Directory(config=config, listings=ListingRepository(database),
                                partner_keys=PartnerKeyRepository(database), open_data=OpenDataStore(database),
                                watches=WatchRepository(database), deliveries=DeliveryRepository(database))
    return _built[key]


def staging_listings_for(config: Config) -> ListingRepository:
    """The rebuild's staging copy of the listings (no index: it is read by `_id` only)."""
    return ListingRepository(get_database(config.mongodb_uri, config.mongodb_database), STAGING)


def decision_log_for(config: Config, client_id: str) -> DecisionLog:
    """A reader of the decisions topic (DECISIONS_TOPIC) that belongs to no consumer group."""
    return DecisionLog(config.kafka_bootstrap_servers, config.decisions_topic, client_id)


def fan_out_to_watchers(directory: Directory, envelope: dict) -> None:
    """After a decision is projected, one webhook delivery per partner watching its number (idempotent: a
    redelivered event makes none, so the worker's at-least-once becomes exactly one delivery per change)."""
    fan_out(directory.partner_keys, directory.watches, directory.deliveries, envelope, dt.datetime.now(dt.timezone.utc))


def decision_handler(config: Config):
    """The handler the worker runs; the database is looked up per call, so it is built after fork."""
    def handle(envelope: dict) -> None:
        position = current_position()
        directory = directory_for(config)
        handle_decision(directory.listings, envelope, position.as_document() if position else None)
        fan_out_to_watchers(directory, envelope)
    return handle


def decision_batch_handlers(config: Config) -> dict:
    """The consumer loop's batch handlers (event type -> handler of a list of eventkit.consumer.Incoming):
    a poll's approvals stored in one bulk write."""
    def bind(handler):
        def handle(batch) -> None:
            directory = directory_for(config)
            handler(directory.listings, [(i.envelope, i.position.as_document()) for i in batch])
            for incoming in batch:
                fan_out_to_watchers(directory, incoming.envelope)
        return handle
    return {event_type: bind(handler) for event_type, handler in BATCH_HANDLERS.items()}
