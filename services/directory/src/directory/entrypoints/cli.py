"""Directory's operator commands: `python -m directory.entrypoints.cli --help`."""
from directory.config import Config
from directory.service_layer.handlers import GROUP, handle_decision_event
from servicekit.process import operator_cli

if __name__ == "__main__":
    operator_cli("directory", Config, GROUP, handle_decision_event)
