"""Directory's operator commands: `python -m directory.entrypoints.cli --help`.

    rebuild               rebuild the listings from verification.events, from the beginning
    replay-dead-letters   re-run dead-lettered decision events
    settings              the settings in force
"""
from directory.config import Config
from directory.service_layer.handlers import GROUP, decision_handler
from directory.service_layer.rebuild import rebuild
from servicekit.process import operator_cli


def add_rebuild(commands) -> None:
    commands.add_parser("rebuild", help="rebuild the public listings from verification.events (progress on stderr)")


def run_rebuild(args, config: Config) -> None:
    result = rebuild(config)
    print(f"rebuilt {result['listings']} listings from {result['events']} events "
          f"({result['skipped']} unreadable events skipped)")


if __name__ == "__main__":
    config = Config.from_env()
    operator_cli("directory", Config, GROUP, decision_handler(config), extra={"rebuild": (add_rebuild, run_rebuild)})
