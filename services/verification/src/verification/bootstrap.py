"""The composition root: verification's parts built from its config, once per process, on first use.

The first build in a process also makes the database ready: every declared index
(adapters/indexes.py, idempotent) and the queue's search tokens of cases stored before them.
"""
import os
from pathlib import Path

from eventkit.indexes import ensure_indexes
from eventkit.mongo import get_database
from servicekit.crypto import Sealer, decode_key
from servicekit.data_keys import RemoteDataKeys, events_keyring
from verification.adapters.cases import CaseRepository
from verification.adapters.indexes import INDEXES
from verification.adapters.intake_documents import IntakeDocuments
from verification.adapters.numbers import RegistrationNumbers
from verification.adapters.reviewers import ReviewerRepository
from verification.config import Config
from verification.domain.checks import DISPOSABLE_DOMAINS
from verification.domain.registration import parse_reminder_days
from verification.service_layer.dependencies import Dependencies
from verification.service_layer.handlers import HANDLERS, handle_application_event, handle_application_events


def load_blocklist(path: str) -> frozenset[str]:
    if not path:
        return frozenset()
    entries = set()
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            kind, _, value = line.partition(":")
            entries.add(f"{kind.strip().lower()}:{value.strip().lower() if kind != 'cnic' else value.strip()}")
    return frozenset(entries)


def check_settings(config: Config) -> None:
    """Fail fast, naming the variable, when a key is missing or malformed."""
    decode_key(config.event_pii_key, "EVENT_PII_KEY")
    decode_key(config.index_key, "CNIC_INDEX_KEY")
    load_blocklist(config.blocklist_file)
    parse_reminder_days(config.reminder_days)
    if config.validity_days <= 0:
        raise ValueError("REGISTRATION_VALIDITY_DAYS must be more than 0")
    if config.renewal_grace_days < 0 or config.renewal_opens_days_before < 0:
        raise ValueError("RENEWAL_OPENS_DAYS_BEFORE and RENEWAL_GRACE_DAYS must not be negative")


_built: dict[tuple[int, Config], Dependencies] = {}


def verification_for(config: Config) -> Dependencies:
    """This process's verification, built (and its database made ready) on first use: after a fork."""
    key = (os.getpid(), config)
    if key not in _built:
        db = get_database(config.mongodb_uri, config.mongodb_database)
        ensure_indexes(db, INDEXES)
        cases = CaseRepository(db)
        cases.fill_missing_search_tokens()
        extra = {d.strip().lower() for d in config.disposable_email_domains.split(",") if d.strip()}
        events_sealer = Sealer(decode_key(config.event_pii_key, "EVENT_PII_KEY"))
        _built[key] = Dependencies(
            cases=cases,
            numbers=RegistrationNumbers(db),
            reviewers=ReviewerRepository(db),
            documents=IntakeDocuments(config.intake_url, config.intake_service_token),
            events_sealer=events_sealer,
            events_keyring=events_keyring(RemoteDataKeys(config.intake_url, config.intake_service_token),
                                          events_sealer),
            index_key=decode_key(config.index_key, "CNIC_INDEX_KEY"),
            disposable_domains=DISPOSABLE_DOMAINS | extra,
            blocklist=load_blocklist(config.blocklist_file),
            validity_days=config.validity_days,
            reminder_days=parse_reminder_days(config.reminder_days),
            token_ttl_hours=config.token_ttl_hours,
            renewal_opens_days_before=config.renewal_opens_days_before,
            lease_minutes=config.review_lease_minutes,
            information_deadline_days=config.information_deadline_days,
            information_reminder_days=config.information_reminder_days,
            renewal_grace_days=config.renewal_grace_days,
        )
    return _built[key]


def application_event_handler(config: Config):
    """The handler the worker runs; verification's parts are built on the first event, after fork."""
    def handle(envelope: dict) -> None:
        handle_application_event(verification_for(config), envelope)
    return handle


def application_batch_handlers(config: Config) -> dict:
    """The consumer loop's batch handlers (event type -> handler of a list of eventkit.consumer.Incoming),
    for the event types that have one in service_layer.handlers.HANDLERS."""
    def for_type(event_type: str):
        def handle(incoming: list) -> None:
            handle_application_events(verification_for(config), event_type, [i.envelope for i in incoming])
        return handle
    return {event_type: for_type(event_type) for event_type, handling in HANDLERS.items() if handling.many}
