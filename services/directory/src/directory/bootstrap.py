"""The composition root: directory's parts built from its config, once per process, on first use
(after gunicorn's fork, never at import time)."""
import os

from directory.adapters.decision_log import DecisionLog
from directory.adapters.listings import COLLECTION, ListingRepository
from directory.config import Config
from eventkit.mongo import get_database

_ready: set[tuple[int, Config, str]] = set()


def listings_for(config: Config, collection: str = COLLECTION) -> ListingRepository:
    """The listings repository of this process, its indexes created on first use
    (`collection` names another copy: the rebuild's staging one)."""
    listings = ListingRepository(get_database(config.mongodb_uri, config.mongodb_database), collection)
    key = (os.getpid(), config, collection)
    if key not in _ready:
        listings.ensure_indexes()
        _ready.add(key)
    return listings


def decision_log_for(config: Config, client_id: str) -> DecisionLog:
    """A reader of the decisions topic (DECISIONS_TOPIC) that belongs to no consumer group."""
    return DecisionLog(config.kafka_bootstrap_servers, config.decisions_topic, client_id)
