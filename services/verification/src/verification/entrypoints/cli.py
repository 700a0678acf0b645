"""Verification's operator commands: `python -m verification.entrypoints.cli --help`.

    create-reviewer NAME --role reviewer|admin|auditor   (password from REVIEWER_PASSWORD or a prompt)
    deactivate-reviewer NAME                             the account can no longer sign in; its sessions
                                                         and tokens are refused from their next request
    reactivate-reviewer NAME                             the account may sign in again
    reset-password NAME                                  a new password (from REVIEWER_PASSWORD or a prompt);
                                                         the old one and its sessions and tokens stop working
    expire-registrations                                 send the expiry reminders due and expire the
                                                         registrations past their validity, now (what the
                                                         scheduler does every EXPIRY_SWEEP_SECONDS)
    replay-dead-letters                                  re-run dead-lettered application events
    settings                                             the settings in force

Account changes are written to the account's audit log with the actor "operator".
"""
import getpass
import os
import sys

from servicekit.process import operator_cli
from verification.bootstrap import application_event_handler, verification_for
from verification.config import Config
from verification.service_layer import expiry, reviewers
from verification.service_layer.handlers import GROUP
from verification.service_layer.reviewers import ROLES, InvalidAccount, create_reviewer


def _password(username: str) -> str:
    return os.environ.get("REVIEWER_PASSWORD") or getpass.getpass(f"Password for {username}: ")


def add_create_reviewer(commands) -> None:
    parser = commands.add_parser("create-reviewer", help="create a reviewer account (password from "
                                 "REVIEWER_PASSWORD, else asked for)")
    parser.add_argument("username")
    parser.add_argument("--role", choices=ROLES, default="reviewer")


def run_create_reviewer(args, config: Config) -> None:
    password = _password(args.username)
    try:
        create_reviewer(verification_for(config), args.username, password, args.role)
    except InvalidAccount as exc:
        sys.exit(f"create-reviewer: {exc}")
    print(f"created {args.role} {args.username}")


def _account_command(name: str, help: str):
    def add(commands) -> None:
        commands.add_parser(name, help=help).add_argument("username")
    return add


def _switch_account(command: str, change, done: str):
    """A command that deactivates or reactivates an account (`change` is the service-layer function)."""
    def run(args, config: Config) -> None:
        try:
            account = change(verification_for(config), args.username, reviewers.CLI_ACTOR)
        except reviewers.AccountNotFound:
            sys.exit(f"{command}: no reviewer named {args.username}")
        print(f"{done} {account['role']} {args.username}")
    return run


run_deactivate_reviewer = _switch_account("deactivate-reviewer", reviewers.deactivate_reviewer, "deactivated")
run_reactivate_reviewer = _switch_account("reactivate-reviewer", reviewers.reactivate_reviewer, "reactivated")


def run_reset_password(args, config: Config) -> None:
    v = verification_for(config)
    if v.reviewers.get(args.username) is None:  # say so before asking for a password
        sys.exit(f"reset-password: no reviewer named {args.username}")
    try:
        reviewers.reset_password(v, args.username, _password(args.username), reviewers.CLI_ACTOR)
    except reviewers.AccountNotFound:
        sys.exit(f"reset-password: no reviewer named {args.username}")
    except InvalidAccount as exc:
        sys.exit(f"reset-password: {exc}")
    print(f"new password set for {args.username}; its sessions and tokens are ended")


def run_expire_registrations(args, config: Config) -> None:
    done = expiry.sweep(verification_for(config))
    print(f"{done.reminded} expiry reminders sent, {done.expired} registrations expired, {done.scheduled} earlier "
          "registrations given their expiry")


COMMANDS = {
    "expire-registrations": (lambda commands: commands.add_parser(
        "expire-registrations", help="send the expiry reminders due and expire the registrations past their "
                                     "validity, now (what the scheduler does)"), run_expire_registrations),
    "create-reviewer": (add_create_reviewer, run_create_reviewer),
    "deactivate-reviewer": (_account_command("deactivate-reviewer", "deactivate a reviewer account: it cannot "
                                             "sign in and its sessions and tokens stop working"),
                            run_deactivate_reviewer),
    "reactivate-reviewer": (_account_command("reactivate-reviewer", "let a deactivated reviewer account sign in "
                                             "again"), run_reactivate_reviewer),
    "reset-password": (_account_command("reset-password", "give a reviewer a new password (from REVIEWER_PASSWORD, "
                                        "else asked for); ends its sessions and tokens"), run_reset_password),
}


if __name__ == "__main__":
    config = Config.from_env()
    operator_cli("verification", Config, GROUP, application_event_handler(config), extra=COMMANDS)
