"""Consumes intake's application events and payments' fee events: `python -m verification.entrypoints.worker`.

Run more of these to share the load: they join one consumer group. Submissions are handled a run
at a time (the consumer loop's batch handler), everything else one event at a time.
"""
from eventkit.topics import INTAKE_EVENTS, PAYMENTS_EVENTS
from servicekit.process import consumer_main
from verification.bootstrap import application_batch_handlers, application_event_handler, check_settings
from verification.config import Config
from verification.service_layer.handlers import GROUP

if __name__ == "__main__":
    config = Config.from_env()
    check_settings(config)  # a missing key stops the worker here, not message by message
    consumer_main("verification", config, GROUP, [INTAKE_EVENTS, PAYMENTS_EVENTS], application_event_handler(config),
                  batch_handlers=application_batch_handlers(config))
