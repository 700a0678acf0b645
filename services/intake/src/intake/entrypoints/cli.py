"""Intake's operator commands: `python -m intake.entrypoints.cli --help`.

    rekey-cnic-index      re-key applications' cnic_index and CNIC claims to the current version
                          (service_layer/cnic_index.py)
    index-contacts        give applications stored before sign-in by one-time code the blind indexes of their
                          email and mobile (service_layer/sign_in.py)
    replay-dead-letters   re-run dead-lettered decision events
    settings              the settings in force
"""
from intake.bootstrap import event_handler, intake_for
from intake.config import Config
from intake.service_layer.cnic_index import CURRENT_RECIPE, rekey_cnic_indexes
from intake.service_layer.handlers import GROUP
from intake.service_layer.sign_in import index_contacts
from servicekit.process import operator_cli


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


if __name__ == "__main__":
    operator_cli("intake", Config, GROUP, event_handler(Config.from_env()),
                 extra={"rekey-cnic-index": (add_rekey, run_rekey),
                        "index-contacts": (add_index_contacts, run_index_contacts)})
