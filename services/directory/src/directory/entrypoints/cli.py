"""Directory's operator commands: `python -m directory.entrypoints.cli --help`.

    rebuild               rebuild the listings from verification.events without losing any (see service_layer/rebuild.py)
    issue-partner-key     issue a partner API key (shown once), with its scopes and quota
    revoke-partner-key    refuse a partner API key from now on
    partner-keys          list the partner API keys (never their secrets)
    open-data             write today's open-data snapshot (the daily scheduled job)
    replay-dead-letters   re-run dead-lettered decision events
    settings              the settings in force
"""
import datetime as dt

from directory.bootstrap import decision_handler, decision_log_for, directory_for, staging_listings_for
from directory.config import Config
from directory.service_layer.handlers import GROUP
from directory.domain.partners import BULK_VERIFY, SCOPES
from directory.service_layer import partners
from directory.service_layer.open_data import publish_snapshot
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


def add_issue_key(commands) -> None:
    issue = commands.add_parser("issue-partner-key", help="issue a partner API key for a bank or client; the key is "
                                                          "printed once and only its hash is kept")
    issue.add_argument("name", help="who it is for, e.g. 'Bank of Lahore, remittances desk'")
    issue.add_argument("--scope", action="append", choices=SCOPES, help=f"what it may call (default {BULK_VERIFY})")
    issue.add_argument("--per-minute", type=int, default=600, help="its quota: requests a minute (default 600)")


def run_issue_key(args, config: Config) -> None:
    issued = partners.issue_key(directory_for(config).partner_keys, args.name, args.scope or [BULK_VERIFY],
                                args.per_minute, dt.datetime.now(dt.timezone.utc))
    print(f"key {issued.key_id} for {args.name}: scopes {', '.join(issued.record['scopes'])}, "
          f"{args.per_minute} requests a minute")
    print(issued.key)


def add_revoke_key(commands) -> None:
    revoke = commands.add_parser("revoke-partner-key", help="refuse a partner API key from now on")
    revoke.add_argument("key_id", help="the key's id (the part after prk_ and before the dot)")


def run_revoke_key(args, config: Config) -> None:
    if not directory_for(config).partner_keys.revoke(args.key_id, dt.datetime.now(dt.timezone.utc)):
        raise SystemExit(f"no unrevoked key {args.key_id}")
    print(f"key {args.key_id} revoked")


def add_list_keys(commands) -> None:
    commands.add_parser("partner-keys", help="list the partner API keys: id, name, scopes, quota, issued, revoked")


def run_list_keys(args, config: Config) -> None:
    for key in directory_for(config).partner_keys.all():
        standing = f"revoked {key['revoked_at']:%Y-%m-%d}" if key["revoked_at"] else "active"
        print(f"{key['_id']}  {key['name']}  {','.join(key['scopes'])}  {key['per_minute']}/min  "
              f"issued {key['issued_at']:%Y-%m-%d}  {standing}")


def add_open_data(commands) -> None:
    commands.add_parser("open-data", help="write today's open-data snapshot: listings.csv, listings.json and "
                                          "stats.json with their SHA-256 (run daily; repeating it replaces the "
                                          "day's files; progress on stderr)")


def run_open_data(args, config: Config) -> None:
    directory = directory_for(config)
    for written in publish_snapshot(directory.listings, directory.open_data, dt.datetime.now(dt.timezone.utc).date()):
        print(f"{written['name']}: {written['rows']} rows, sha256 {written['sha256']}")


if __name__ == "__main__":
    config = Config.from_env()
    operator_cli("directory", Config, GROUP, decision_handler(config),
                 extra={"rebuild": (add_rebuild, run_rebuild), "issue-partner-key": (add_issue_key, run_issue_key),
                        "revoke-partner-key": (add_revoke_key, run_revoke_key),
                        "partner-keys": (add_list_keys, run_list_keys), "open-data": (add_open_data, run_open_data)})
