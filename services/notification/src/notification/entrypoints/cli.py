"""Notification's operator commands: `python -m notification.entrypoints.cli --help`."""
from notification.config import Config
from notification.service_layer.handlers import GROUP, event_handler
from servicekit.process import operator_cli

if __name__ == "__main__":
    operator_cli("notification", Config, GROUP, event_handler(Config.from_env()))
