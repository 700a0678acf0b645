"""Publishes the cases' outbox to verification.events: `python -m verification.entrypoints.relay`."""
from eventkit.topics import VERIFICATION_EVENTS
from servicekit.process import relay_main
from verification.adapters.cases import COLLECTION
from verification.config import Config

if __name__ == "__main__":
    relay_main("verification", Config.from_env(), COLLECTION, VERIFICATION_EVENTS)
