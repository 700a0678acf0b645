"""Consumes approvals in principle and withdrawals: `python -m payments.entrypoints.worker`.

An approval in principle (on verification.events) issues the fee voucher; a withdrawal (on
intake.events) cancels an unpaid one. service_layer/handlers.py has the table."""
from eventkit.topics import INTAKE_EVENTS, VERIFICATION_EVENTS
from payments.bootstrap import check_settings, event_handler
from payments.config import Config
from payments.service_layer.handlers import GROUP
from servicekit.process import consumer_main

if __name__ == "__main__":
    config = Config.from_env()
    check_settings(config)  # an unusable fee setting stops the worker here, not message by message
    consumer_main("payments", config, GROUP, [VERIFICATION_EVENTS, INTAKE_EVENTS], event_handler(config))
