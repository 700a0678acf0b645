"""Consumes verification's decisions: `python -m intake.entrypoints.worker`."""
from eventkit.topics import VERIFICATION_EVENTS
from intake.config import Config
from intake.service_layer.handlers import GROUP, handle_decision_event
from servicekit.process import consumer_main

if __name__ == "__main__":
    consumer_main("intake", Config.from_env(), GROUP, [VERIFICATION_EVENTS], handle_decision_event)
