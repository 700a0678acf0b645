"""Consumes application, decision and fee voucher events: `python -m notification.entrypoints.worker`."""
from eventkit.topics import INTAKE_EVENTS, PAYMENTS_EVENTS, VERIFICATION_EVENTS
from notification.bootstrap import check_settings, event_handler
from notification.config import Config
from notification.service_layer.handlers import GROUP
from servicekit.process import consumer_main

if __name__ == "__main__":
    config = Config.from_env()
    check_settings(config)  # a missing key stops the worker here, not message by message
    consumer_main("notification", config, GROUP, [INTAKE_EVENTS, VERIFICATION_EVENTS, PAYMENTS_EVENTS],
                  event_handler(config))
