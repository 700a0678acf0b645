"""Consumes intake's application events: `python -m verification.entrypoints.worker`.

Run more of these to share the load: they join one consumer group. Submissions are handled a run
at a time (the consumer loop's batch handler), everything else one event at a time.
"""
from eventkit.runners import run_consumer
from eventkit.topics import INTAKE_EVENTS
from servicekit.process import run_process
from verification.bootstrap import application_batch_handlers, application_event_handler, check_settings
from verification.config import Config
from verification.service_layer.handlers import GROUP

if __name__ == "__main__":
    config = Config.from_env()
    check_settings(config)  # a missing key stops the worker here, not message by message
    # servicekit.process.consumer_main takes no batch handlers: the same run, with them.
    run_process("verification", "worker", config.log_level, lambda: run_consumer(
        bootstrap_servers=config.kafka_bootstrap_servers, mongodb_uri=config.mongodb_uri,
        database=config.mongodb_database, group=GROUP, topics=[INTAKE_EVENTS],
        handler=application_event_handler(config), batch_handlers=application_batch_handlers(config)))
