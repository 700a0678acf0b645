"""Intake's operator commands: `python -m intake.entrypoints.cli --help`."""
from intake.config import Config
from intake.service_layer.handlers import GROUP, handle_decision_event
from servicekit.process import operator_cli

if __name__ == "__main__":
    operator_cli("intake", Config, GROUP, handle_decision_event)
