"""The main() of a service's long-running processes and its operator CLI.

Each service's entrypoints call these with its own config, topics and handlers, so the
way a worker starts, logs, stops and exits is the same everywhere.
"""
import argparse
import logging
import sys
from collections.abc import Callable

from eventkit.consumer import Handler
from eventkit.runners import replay_dead_letters, run_consumer, run_relay
from servicekit.config import BaseConfig
from servicekit.logging import configure_logging


def run_process(service: str, role: str, log_level: str, target: Callable[[], object]) -> None:
    configure_logging(service, role, log_level)
    log = logging.getLogger(f"{service}.{role}")
    try:
        target()
    except KeyboardInterrupt:
        pass
    except Exception:
        log.exception("%s %s stopped by an error", service, role)
        sys.exit(1)


def consumer_main(service: str, config: BaseConfig, group: str, topics: list[str], handler: Handler,
                  batch_handlers: dict | None = None) -> None:
    """Run one member of `group`. `batch_handlers` ({event_type: fn(list of Incoming)}) apply a poll's
    new events of one type together, as bulk writes; `handler` takes the rest one by one."""
    options = {"batch_handlers": batch_handlers} if batch_handlers else {}
    run_process(service, "worker", config.log_level, lambda: run_consumer(
        bootstrap_servers=config.kafka_bootstrap_servers, mongodb_uri=config.mongodb_uri,
        database=config.mongodb_database, group=group, topics=topics, handler=handler, **options))


def relay_main(service: str, config: BaseConfig, collection: str, topic: str) -> None:
    run_process(service, "relay", config.log_level, lambda: run_relay(
        bootstrap_servers=config.kafka_bootstrap_servers, mongodb_uri=config.mongodb_uri,
        database=config.mongodb_database, collection=collection, topic=topic))


def operator_cli(service: str, config_cls: type[BaseConfig], group: str | None = None,
                 handler: Handler | None = None, argv: list[str] | None = None, extra: dict | None = None) -> None:
    """`python -m <service>.entrypoints.cli --help`: the operator's commands for one service.

    `extra` adds a service's own commands: name -> (add_parser(subparsers), run(args, config))."""
    epilog = "environment variables:\n" + "\n".join(
        f"  {env:<26} {help} (default: {default})" for _, env, default, help in config_cls.describe())
    parser = argparse.ArgumentParser(prog=f"python -m {service}.entrypoints.cli",
                                     description=f"Operator commands of the {service} service.",
                                     epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("settings", help="print the settings this service runs with")
    if group:
        commands.add_parser("replay-dead-letters",
                            help=f"re-run the {group} handler on every message in deadletter.{group}, once")
    for add_parser, _run in (extra or {}).values():
        add_parser(commands)
    args = parser.parse_args(argv)
    config = config_cls.from_env()
    if args.command in (extra or {}):
        configure_logging(service, "cli", config.log_level)
        extra[args.command][1](args, config)
        return
    if args.command == "settings":
        for env, value in config.printable().items():
            print(f"{env}={value}")
    elif args.command == "replay-dead-letters":
        def replay():
            report = replay_dead_letters(bootstrap_servers=config.kafka_bootstrap_servers,
                                         mongodb_uri=config.mongodb_uri, database=config.mongodb_database,
                                         group=group, handler=handler)
            print(f"replayed {report['waiting']} dead letters of {group}: {report['handled']} handled, "
                  f"{report['duplicate']} already done, {report['dead_lettered']} dead-lettered again")
        run_process(service, "replay", config.log_level, replay)

