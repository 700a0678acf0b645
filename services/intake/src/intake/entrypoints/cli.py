"""Intake's operator commands: `python -m intake.entrypoints.cli --help`.

    rekey-cnic-index      re-key applications' cnic_index and CNIC claims to the current version
                          (service_layer/cnic_index.py)
    index-contacts        give applications stored before sign-in by one-time code the blind indexes of their
                          email and mobile (service_layer/sign_in.py)
    rewrap-data-keys      re-wrap every applicant's data keys under the current INTAKE_PII_KEY (key rotation)
    erasure-report        what the retention policy erases next
    erase-due             erase what the retention policy says is due (the daily scheduled job)
    replay-dead-letters   re-run dead-lettered decision events
    settings              the settings in force
"""
import datetime as dt
import sys

from intake.bootstrap import event_handler, intake_for
from intake.config import Config
from intake.service_layer.cnic_index import CURRENT_RECIPE, rekey_cnic_indexes
from intake.service_layer.handlers import GROUP
from intake.service_layer.sign_in import index_contacts
from intake.service_layer import erasure
from servicekit.process import operator_cli
from servicekit.progress import Progress


def add_rekey(commands) -> None:
    commands.add_parser("rekey-cnic-index",
                        help=f"re-key every application's cnic_index and CNIC claim to version {CURRENT_RECIPE} "
                             "(domainkit.people.cnic_index; the claim kept in the application), then stamp the "
                             "database so intake is ready again; "
                             "safe to run again and while intake runs (progress on stderr)")


def run_rekey(args, config: Config) -> None:
    result = rekey_cnic_indexes(intake_for(config))
    print(f"{result['applications']} applications: {result['rekeyed']} re-keyed "
          f"({result['claims_moved']} claims moved), {result['current']} current already; "
          f"CNIC indexes and claims are version {CURRENT_RECIPE}")
    if result["conflicts"]:
        print(f"{len(result['conflicts'])} applications share their CNIC with another active application (their claims "
              f"are not moved; withdraw or reject the duplicate): {', '.join(result['conflicts'])}")
    if result["without_cnic"]:
        print(f"{len(result['without_cnic'])} documents without personal data (no CNIC to re-key) were left as they "
              f"are: {', '.join(result['without_cnic'][:20])}")


def add_index_contacts(commands) -> None:
    commands.add_parser("index-contacts",
                        help="give every application stored before sign-in by one-time code the blind indexes of "
                             "its email and mobile, so its applicant can sign in; safe to run again and while intake "
                             "runs (progress on stderr)")


def run_index_contacts(args, config: Config) -> None:
    result = index_contacts(intake_for(config))
    print(f"{result['indexed']} applications indexed for sign-in; {result['without_contact']} without personal data")


def add_rewrap(commands) -> None:
    commands.add_parser("rewrap-data-keys",
                        help="rotate INTAKE_PII_KEY: re-wrap every application's data keys under the current one "
                             "(put the old key in INTAKE_PII_KEYS_OLD meanwhile; safe while the service runs and to "
                             "repeat; progress on stderr)")


def run_rewrap(args, config: Config) -> None:
    deps = intake_for(config)
    progress = Progress("re-wrapping data keys", deps.data_keys.count_to_rewrap())
    done = deps.data_keys.rewrap_all(progress)
    progress.finish()
    print(f"{done} applications' data keys re-wrapped under {deps.data_keys.current_wrapping}. Once every intake "
          "process runs with this INTAKE_PII_KEY, run this again: when it re-wraps 0, empty INTAKE_PII_KEYS_OLD")


def retention_policy(config: Config) -> erasure.RetentionPolicy:
    return erasure.RetentionPolicy(config.erase_closed_after_days, config.erase_registrations_after_years)


def add_report(commands) -> None:
    report = commands.add_parser("erasure-report",
                                 help="list what the retention policy erases within the next days "
                                      "(ERASE_CLOSED_AFTER_DAYS, ERASE_REGISTRATIONS_AFTER_YEARS)")
    report.add_argument("--days", type=float, default=30, help="how far ahead to look (default 30)")


def run_report(args, config: Config) -> None:
    deps = intake_for(config)
    until = deps.now() + dt.timedelta(days=args.days)
    due = erasure.due(deps, retention_policy(config), until, limit=100_000)
    for item in due:
        print(f"{item['erase_on']:%Y-%m-%d}  {item['application_id']}  {item['status']:<10}  "
              f"ended {item['ended_at']:%Y-%m-%d}")
    print(f"{len(due)} applications erased by {until:%Y-%m-%d}", file=sys.stderr)


def add_erase_due(commands) -> None:
    commands.add_parser("erase-due", help="erase every application the retention policy says is due now (run "
                                          "daily; progress on stderr)")


def run_erase_due(args, config: Config) -> None:
    deps = intake_for(config)
    policy = retention_policy(config)
    progress = Progress("erasing", len(erasure.due(deps, policy, deps.now(), limit=100_000)))
    erased = erasure.erase_due(deps, policy, progress)
    progress.finish()
    print(f"{erased} applications erased")


if __name__ == "__main__":
    operator_cli("intake", Config, GROUP, event_handler(Config.from_env()),
                 extra={"rekey-cnic-index": (add_rekey, run_rekey),
                        "index-contacts": (add_index_contacts, run_index_contacts),
                        "rewrap-data-keys": (add_rewrap, run_rewrap), "erasure-report": (add_report, run_report),
                        "erase-due": (add_erase_due, run_erase_due)})
