"""Projects decisions into the public listings: `python -m directory.entrypoints.worker`.
A poll's approvals are stored together (the consumer loop's batch handler), the rest one by one."""
from directory.bootstrap import decision_batch_handlers, decision_handler
from directory.config import Config
from directory.service_layer.handlers import GROUP
from servicekit.process import consumer_main

if __name__ == "__main__":
    config = Config.from_env()
    consumer_main("directory", config, GROUP, [config.decisions_topic], decision_handler(config),
                  batch_handlers=decision_batch_handlers(config))
