"""Consumes verification's decisions: `python -m intake.entrypoints.worker`."""
from eventkit.topics import VERIFICATION_EVENTS
from intake.bootstrap import load_keys, verification_event_handler
from intake.config import Config
from intake.service_layer.handlers import GROUP
from servicekit.process import consumer_main

if __name__ == "__main__":
    config = Config.from_env()
    load_keys(config)  # a missing key stops the worker here, not message by message
    consumer_main("intake", config, GROUP, [VERIFICATION_EVENTS], verification_event_handler(config))
