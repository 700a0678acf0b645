"""Verification's operator commands: `python -m verification.entrypoints.cli --help`.

    create-reviewer NAME --role reviewer|admin|auditor   (password from REVIEWER_PASSWORD or a prompt)
    replay-dead-letters                                  re-run dead-lettered application events
    settings                                             the settings in force
"""
import getpass
import os
import sys

from servicekit.process import operator_cli
from verification.bootstrap import verification_for
from verification.config import Config
from verification.service_layer.handlers import GROUP, application_event_handler
from verification.service_layer.reviewers import ROLES, InvalidAccount, create_reviewer


def add_create_reviewer(commands) -> None:
    parser = commands.add_parser("create-reviewer", help="create a reviewer account (password from "
                                 "REVIEWER_PASSWORD, else asked for)")
    parser.add_argument("username")
    parser.add_argument("--role", choices=ROLES, default="reviewer")


def run_create_reviewer(args, config: Config) -> None:
    password = os.environ.get("REVIEWER_PASSWORD") or getpass.getpass(f"Password for {args.username}: ")
    try:
        create_reviewer(verification_for(config), args.username, password, args.role)
    except InvalidAccount as exc:
        sys.exit(f"create-reviewer: {exc}")
    print(f"created {args.role} {args.username}")


if __name__ == "__main__":
    config = Config.from_env()
    operator_cli("verification", Config, GROUP, application_event_handler(config),
                 extra={"create-reviewer": (add_create_reviewer, run_create_reviewer)})
