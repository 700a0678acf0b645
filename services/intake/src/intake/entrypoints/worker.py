"""Consumes verification's decisions and payments' voucher events: `python -m intake.entrypoints.worker`."""
from eventkit.topics import PAYMENTS_EVENTS, VERIFICATION_EVENTS
from intake.bootstrap import event_handler, load_keys
from intake.config import Config
from intake.service_layer.handlers import GROUP
from servicekit.process import consumer_main

if __name__ == "__main__":
    config = Config.from_env()
    load_keys(config)  # a missing key stops the worker here, not message by message
    consumer_main("intake", config, GROUP, [VERIFICATION_EVENTS, PAYMENTS_EVENTS], event_handler(config))
