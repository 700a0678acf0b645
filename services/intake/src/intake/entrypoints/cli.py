"""Intake's operator commands: `python -m intake.entrypoints.cli --help`."""
from intake.config import Config
from intake.service_layer.handlers import GROUP, decision_handler
from servicekit.process import operator_cli

if __name__ == "__main__":
    operator_cli("intake", Config, GROUP, decision_handler(Config.from_env()))
