"""The composition root: intake's parts built from its config, once per process, on first use."""
import dataclasses
import os

from eventkit.mongo import get_database
from intake.adapters.applications import ApplicationRepository
from intake.adapters.documents import DocumentStore
from intake.config import Config
from servicekit.crypto import Sealer, decode_key


@dataclasses.dataclass(frozen=True)
class Keys:
    at_rest: Sealer  # personal data in intake's database
    in_events: Sealer  # personal data inside events (verification and notification hold this key)
    cnic_index: bytes


@dataclasses.dataclass(frozen=True)
class Intake:
    config: Config
    keys: Keys
    applications: ApplicationRepository
    documents: DocumentStore


def load_keys(config: Config) -> Keys:
    """Fails fast, naming the variable, when a key is missing or malformed."""
    return Keys(at_rest=Sealer(decode_key(config.pii_key, "INTAKE_PII_KEY")),
                in_events=Sealer(decode_key(config.event_pii_key, "EVENT_PII_KEY")),
                cnic_index=decode_key(config.cnic_index_key, "CNIC_INDEX_KEY"))


_built: dict[tuple[int, Config], Intake] = {}


def intake_for(config: Config) -> Intake:
    key = (os.getpid(), config)
    if key not in _built:
        keys = load_keys(config)
        db = get_database(config.mongodb_uri, config.mongodb_database)
        applications = ApplicationRepository(db)
        applications.ensure_indexes()
        _built[key] = Intake(config, keys, applications, DocumentStore(db, keys.at_rest))
    return _built[key]
