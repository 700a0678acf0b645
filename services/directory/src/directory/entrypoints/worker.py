"""Projects decisions into the public listings: `python -m directory.entrypoints.worker`."""
from directory.config import Config
from directory.service_layer.handlers import GROUP, handle_decision_event
from eventkit.topics import VERIFICATION_EVENTS
from servicekit.process import consumer_main

if __name__ == "__main__":
    consumer_main("directory", Config.from_env(), GROUP, [VERIFICATION_EVENTS], handle_decision_event)
