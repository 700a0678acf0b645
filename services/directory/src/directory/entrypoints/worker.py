"""Projects decisions into the public listings: `python -m directory.entrypoints.worker`."""
from directory.config import Config
from directory.service_layer.handlers import GROUP, decision_handler
from eventkit.topics import VERIFICATION_EVENTS
from servicekit.process import consumer_main

if __name__ == "__main__":
    config = Config.from_env()
    consumer_main("directory", config, GROUP, [VERIFICATION_EVENTS], decision_handler(config))
