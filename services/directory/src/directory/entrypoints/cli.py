"""Directory's operator commands: `python -m directory.entrypoints.cli --help`.

    rebuild               rebuild the listings from verification.events without losing any (see service_layer/rebuild.py)
    replay-dead-letters   re-run dead-lettered decision events
    settings              the settings in force
"""
from directory.bootstrap import decision_handler, decision_log_for, directory_for, staging_listings_for
from directory.config import Config
from directory.service_layer.handlers import GROUP
from directory.service_layer.rebuild import rebuild
from servicekit.process import operator_cli


def add_rebuild(commands) -> None:
    commands.add_parser("rebuild", help="rebuild the public listings from verification.events: a complete "
                                        "staging copy (keeping listings whose events the topic no longer holds), "
                                        "then published into the live one (progress on stderr)")


def run_rebuild(args, config: Config) -> None:
    decisions = decision_log_for(config, "directory-rebuild").open(wait_seconds=30)
    try:
        result = rebuild(directory_for(config).listings, staging_listings_for(config), decisions)
    finally:
        decisions.close()
    print(f"rebuilt {result['listings']} listings from {result['events']} events "
          f"({result['skipped']} unreadable events skipped; the topic holds offsets from {result['oldest_offsets']})")


if __name__ == "__main__":
    config = Config.from_env()
    operator_cli("directory", Config, GROUP, decision_handler(config), extra={"rebuild": (add_rebuild, run_rebuild)})
