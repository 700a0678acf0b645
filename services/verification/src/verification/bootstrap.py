"""The composition root: verification's parts built from its config, once per process, on first use."""
import dataclasses
import datetime as dt
import os
from pathlib import Path

from eventkit.mongo import get_database
from servicekit.crypto import Sealer, decode_key
from verification.adapters.cases import CaseRepository, RegistrationNumbers
from verification.adapters.intake_documents import IntakeDocuments
from verification.adapters.reviewers import ReviewerRepository
from verification.config import Config
from verification.domain.checks import DISPOSABLE_DOMAINS


@dataclasses.dataclass(frozen=True)
class Verification:
    config: Config
    events_sealer: Sealer
    index_key: bytes
    cases: CaseRepository
    numbers: RegistrationNumbers
    reviewers: ReviewerRepository
    documents: IntakeDocuments
    disposable_domains: frozenset[str]
    blocklist: frozenset[str]

    def today(self) -> dt.date:
        return dt.datetime.now(dt.timezone.utc).date()


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


_built: dict[tuple[int, Config], Verification] = {}


def verification_for(config: Config) -> Verification:
    key = (os.getpid(), config)
    if key not in _built:
        db = get_database(config.mongodb_uri, config.mongodb_database)
        cases, reviewers = CaseRepository(db), ReviewerRepository(db)
        cases.ensure_indexes()
        reviewers.ensure_indexes()
        extra = {d.strip().lower() for d in config.disposable_email_domains.split(",") if d.strip()}
        _built[key] = Verification(
            config=config,
            events_sealer=Sealer(decode_key(config.event_pii_key, "EVENT_PII_KEY")),
            index_key=decode_key(config.index_key, "CNIC_INDEX_KEY"),
            cases=cases,
            numbers=RegistrationNumbers(db),
            reviewers=reviewers,
            documents=IntakeDocuments(config.intake_url, config.intake_service_token),
            disposable_domains=DISPOSABLE_DOMAINS | extra,
            blocklist=load_blocklist(config.blocklist_file),
        )
    return _built[key]
