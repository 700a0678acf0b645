"""Publishes the applications' outbox to intake.events: `python -m intake.entrypoints.relay`."""
from eventkit.topics import INTAKE_EVENTS
from intake.adapters.applications import COLLECTION
from intake.config import Config
from servicekit.process import relay_main

if __name__ == "__main__":
    relay_main("intake", Config.from_env(), COLLECTION, INTAKE_EVENTS)
