"""Publishes the vouchers' outbox to payments.events: `python -m payments.entrypoints.relay`."""
from eventkit.topics import PAYMENTS_EVENTS
from payments.adapters.vouchers import COLLECTION
from payments.config import Config
from servicekit.process import relay_main

if __name__ == "__main__":
    relay_main("payments", Config.from_env(), COLLECTION, PAYMENTS_EVENTS)
