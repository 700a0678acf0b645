"""The composition root: intake's parts built from its config, once per process, on first use.

The first build in a process also makes the database ready: every declared index
(adapters/indexes.py, idempotent)."""
import hashlib
import os

from documentkit.certificate import render_certificate
from domainkit.benefit import TaxBenefit
from eventkit.indexes import ensure_indexes
from eventkit.mongo import get_database
from intake.adapters.applications import ApplicationRepository
from intake.adapters.documents import DocumentStore
from intake.adapters.drafts import DraftStore
from intake.adapters.indexes import INDEXES
from intake.adapters.sign_in_challenges import SignInChallenges
from intake.config import Config
from intake.service_layer.dependencies import Dependencies, Keys
from intake.service_layer.handlers import handle_event
from intake.adapters.data_keys import DataKeyRepository
from intake.adapters.erasures import ErasureRepository
from intake.domain.data_keys import RECORD, wrapping_key_id
from intake.service_layer.data_keys import DataKeys
from servicekit.crypto import Sealer, decode_key


def load_keys(config: Config) -> Keys:
    """Fails fast, naming the variable, when a key is missing or malformed."""
    return Keys(at_rest=Sealer(decode_key(config.pii_key, "INTAKE_PII_KEY")),
                in_events=Sealer(decode_key(config.event_pii_key, "EVENT_PII_KEY")),
                cnic_index=decode_key(config.cnic_index_key, "CNIC_INDEX_KEY"),
                sign_in=hashlib.sha256(b"intake sign-in codes:" + config.secret_key.encode()).digest())


def wrapping_keys(config: Config) -> dict[str, Sealer]:
    """{wrapping key id: Sealer}: INTAKE_PII_KEY first (it wraps new data keys), then INTAKE_PII_KEYS_OLD."""
    values = [config.pii_key, *[v.strip() for v in config.pii_keys_old.split(",") if v.strip()]]
    keys = [decode_key(value, "INTAKE_PII_KEY" if i == 0 else "INTAKE_PII_KEYS_OLD") for i, value in enumerate(values)]
    return {wrapping_key_id(key): Sealer(key) for key in keys}


_built: dict[tuple[int, Config], Dependencies] = {}


def intake_for(config: Config) -> Dependencies:
    """This process's intake, built (and its database made ready) on first use: after a fork."""
    key = (os.getpid(), config)
    if key not in _built:
        keys = load_keys(config)
        db = get_database(config.mongodb_uri, config.mongodb_database)
        ensure_indexes(db, INDEXES)
        data_keys = DataKeys(DataKeyRepository(db), wrapping_keys(config), legacy=keys.at_rest)
        documents = DocumentStore(db, lambda application_id: data_keys.sealer(application_id, RECORD),
                                  data_keys.keyring())
        _built[key] = Dependencies(keys=keys, applications=ApplicationRepository(db), data_keys=data_keys,
                                   erasures=ErasureRepository(db),
                                   documents=documents, drafts=DraftStore(db, keys.at_rest),
                                   renewal_opens_days_before=config.renewal_opens_days_before,
                                   renewal_grace_days=config.renewal_grace_days,
                                   revoked_cnic_blocks=config.revoked_cnic_blocks,
                                   render_certificate=render_certificate,
                                   directory_public_url=config.directory_public_url.rstrip("/"),
                                   sign_in_challenges=SignInChallenges(db), sign_in_by_sms=config.sign_in_by_sms,
                                   sign_in_codes_per_hour=config.sign_in_codes_per_hour,
                                   tax_benefit=TaxBenefit(config.withholding_rate_registered,
                                                          config.withholding_rate_standard))
    return _built[key]


def event_handler(config: Config):
    """The handler the worker runs; intake's parts are built on the first event, after fork."""
    def handle(envelope: dict) -> None:
        handle_event(intake_for(config), envelope)
    return handle
