"""Directory's operator commands: `python -m directory.cli --help` (or `directory.entrypoints.cli`).

    rebuild               rebuild the listings from verification.events without losing any (see service_layer/rebuild.py)
    partner-key create    issue a partner API key (printed once), with its scopes and quota
    partner-key revoke    refuse a partner API key from now on
    partner-key list      list the partner API keys (never their secrets)
    open-data             write today's open-data snapshot (the daily scheduled job)
    replay-dead-letters   re-run dead-lettered decision events
    settings              the settings in force
"""
import datetime as dt
import sys

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


def add_partner_key(commands) -> None:
    keys = commands.add_parser("partner-key", help="partner API keys: create (printed once), revoke, list")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="issue a key for a bank or client; the key alone goes to stdout, "
                                               "once (only its hash is kept), what it allows to stderr")
    create.add_argument("name", help="who it is for, e.g. 'Bank of Lahore, remittances desk'")
    create.add_argument("--scope", action="append", choices=SCOPES,
                        help=f"what it may call, repeatable: {', '.join(SCOPES)} (default {BULK_VERIFY} only)")
    create.add_argument("--per-minute", type=int, default=600, help="its quota: requests a minute (default 600)")
    revoke = actions.add_parser("revoke", help="refuse a key from now on (its watches' deliveries stop)")
    revoke.add_argument("key_id", help="the key's id (the part after prk_ and before the dot)")
    actions.add_parser("list", help="the keys: id, name, scopes, quota, issued, revoked (never their secrets)")


def run_partner_key(args, config: Config) -> None:
    keys, now = directory_for(config).partner_keys, dt.datetime.now(dt.timezone.utc)
    if args.action == "create":
        try:
            issued = partners.issue_key(keys, args.name, args.scope or [BULK_VERIFY], args.per_minute, now)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
        print(f"key {issued.key_id} for {args.name}: scopes {', '.join(issued.record['scopes'])}, "
              f"{args.per_minute} requests a minute; shown once:", file=sys.stderr)
        print(issued.key)
    elif args.action == "revoke":
        if not keys.revoke(args.key_id, now):
            raise SystemExit(f"no unrevoked key {args.key_id}")
        print(f"key {args.key_id} revoked")
    else:
        for key in keys.all():
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


def main(argv: list[str] | None = None) -> None:
    config = Config.from_env()
    operator_cli("directory", Config, GROUP, decision_handler(config), argv=argv,
                 extra={"rebuild": (add_rebuild, run_rebuild), "partner-key": (add_partner_key, run_partner_key),
                        "open-data": (add_open_data, run_open_data)})


if __name__ == "__main__":
    main()
