"""Consumes application and decision events: `python -m notification.entrypoints.worker`."""
from eventkit.topics import INTAKE_EVENTS, VERIFICATION_EVENTS
from notification.config import Config
from notification.service_layer.handlers import GROUP, handle_event
from servicekit.process import consumer_main

if __name__ == "__main__":
    consumer_main("notification", Config.from_env(), GROUP, [INTAKE_EVENTS, VERIFICATION_EVENTS], handle_event)
