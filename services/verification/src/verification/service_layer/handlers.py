"""Verification's reactions to application events.

Skeleton: each application event is recorded on the application's case exactly once;
the verification issue adds the automated checks and decisions on top.
"""
from eventkit.mongo import get_database
from verification.adapters.cases import COLLECTION, CaseRepository
from verification.config import Config

GROUP = "verification-applications"


def application_event_handler(config: Config):
    """The handler the worker runs; the database is looked up per call, so it is built after fork."""

    def handle(envelope: dict) -> None:
        cases = CaseRepository(get_database(config.mongodb_uri, config.mongodb_database)[COLLECTION])
        cases.record_application_event(envelope)

    return handle
