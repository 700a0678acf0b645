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
from servicekit.crypto import Sealer, decode_key


def load_keys(config: Config) -> Keys:
    """Fails fast, naming the variable, when a key is missing or malformed."""
    return Keys(at_rest=Sealer(decode_key(config.pii_key, "INTAKE_PII_KEY")),
                in_events=Sealer(decode_key(config.event_pii_key, "EVENT_PII_KEY")),
                cnic_index=decode_key(config.cnic_index_key, "CNIC_INDEX_KEY"),
                sign_in=hashlib.sha256(b"intake sign-in codes:" + config.secret_key.encode()).digest())


_built: dict[tuple[int, Config], Dependencies] = {}


def intake_for(config: Config) -> Dependencies:
    """This process's intake, built (and its database made ready) on first use: after a fork."""
    key = (os.getpid(), config)
    if key not in _built:
        keys = load_keys(config)
        db = get_database(config.mongodb_uri, config.mongodb_database)
        ensure_indexes(db, INDEXES)
        _built[key] = Dependencies(keys=keys, applications=ApplicationRepository(db),
                                   documents=DocumentStore(db, keys.at_rest), drafts=DraftStore(db, keys.at_rest),
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
