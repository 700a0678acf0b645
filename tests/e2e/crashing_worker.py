"""A verification worker that dies like `kill -9` right after storing the effect of the event
keyed CRASH_ON_KEY: after its handler ran, before the inbox record and the offset commit.
Used by test_round_trip.py to show that the redelivery after such a crash stores nothing twice."""
import os

from eventkit.runners import run_consumer
from eventkit.topics import INTAKE_EVENTS
from verification.bootstrap import application_event_handler, check_settings
from verification.config import Config
from verification.service_layer.handlers import GROUP

config = Config.from_env()
check_settings(config)
handle = application_event_handler(config)


def handle_then_die(envelope: dict) -> None:
    handle(envelope)
    if envelope["key"] == os.environ["CRASH_ON_KEY"]:
        os._exit(9)


if __name__ == "__main__":
    run_consumer(bootstrap_servers=config.kafka_bootstrap_servers, mongodb_uri=config.mongodb_uri,
                 database=config.mongodb_database, group=GROUP, topics=[INTAKE_EVENTS], handler=handle_then_die)
