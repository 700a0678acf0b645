"""The composition root: payments' parts built from its config, once per process, on first use.

The first build in a process also makes the database ready: every declared index
(adapters/indexes.py, idempotent)."""
import os

from eventkit.indexes import ensure_indexes
from eventkit.mongo import get_database
from payments.adapters.indexes import INDEXES
from payments.adapters.transactions import TransactionRepository
from payments.adapters.vouchers import VoucherRepository
from payments.adapters.withdrawals import WithdrawalRepository
from payments.config import Config
from payments.service_layer.dependencies import Dependencies, Settings
from servicekit.crypto import Keyring
from servicekit.data_keys import RemoteDataKeys


def load_settings(config: Config) -> Settings:
    """The fee settings; fails fast, naming the variable, when one is unusable."""
    try:
        return Settings(biller_code=config.biller_code, fee_amount=config.fee_amount,
                        fee_due_days=config.fee_due_days)
    except ValueError as exc:
        raise ValueError(f"BILLER_CODE, FEE_AMOUNT or FEE_DUE_DAYS: {exc}") from None


_built: dict[tuple[int, Config], Dependencies] = {}


def payments_for(config: Config) -> Dependencies:
    """This process's payments, built (and its database made ready) on first use: after a fork."""
    key = (os.getpid(), config)
    if key not in _built:
        settings = load_settings(config)
        db = get_database(config.mongodb_uri, config.mongodb_database)
        ensure_indexes(db, INDEXES)
        vouchers = VoucherRepository(db)
        vouchers.drop_retired_index()
        _built[key] = Dependencies(vouchers=vouchers, transactions=TransactionRepository(db),
                                   withdrawals=WithdrawalRepository(db), settings=settings,
                                   payer_keyring=Keyring(RemoteDataKeys(config.intake_url,
                                                                        config.intake_service_token).resolve))
    return _built[key]


def check_settings(config: Config) -> None:
    """Refuse to start a worker or scheduler on an unusable fee setting (naming it), not event by event."""
    load_settings(config)


def event_handler(config: Config):
    """The handler the worker runs; payments' parts are built on the first event, after fork."""
    from payments.service_layer.handlers import handle_event

    def handle(envelope: dict) -> None:
        handle_event(payments_for(config), envelope)
    return handle
