"""Verification's operator commands: `python -m verification.entrypoints.cli --help`."""
from servicekit.process import operator_cli
from verification.config import Config
from verification.service_layer.handlers import GROUP, application_event_handler

if __name__ == "__main__":
    operator_cli("verification", Config, GROUP, application_event_handler(Config.from_env()))
