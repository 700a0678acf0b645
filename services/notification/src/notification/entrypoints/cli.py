"""Notification's operator commands: `python -m notification.entrypoints.cli --help`.

Besides the common ones: `deliveries --status failed|uncertain` lists deliveries that did not
go out, and `resend ID --operator NAME --reason TEXT` sends one again on purpose (audited: a new
delivery record that names the operator, this host, the time and the reason; see
service_layer/operations.py)."""
import socket
import sys

from notification.bootstrap import event_handler, notification_for
from notification.config import Config
from notification.service_layer import operations
from notification.service_layer.handlers import GROUP
from servicekit.process import operator_cli


def add_deliveries(commands) -> None:
    parser = commands.add_parser("deliveries", help="list failed or uncertain deliveries, newest first")
    parser.add_argument("--status", choices=operations.LISTABLE, default="failed")
    parser.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    parser.add_argument("--cursor", help="the next page, as printed after the last one")


def run_deliveries(args, config: Config) -> None:
    try:
        page = operations.deliveries_with_status(notification_for(config), args.status, max(1, args.limit),
                                                 args.cursor)
    except ValueError as exc:  # a --cursor that is not one
        sys.exit(str(exc))
    for r in page["items"]:
        print(f"{r['_id']}  {r['status']}  {r['channel']}  {r['template']}  {r['application_id']}  "
              f"attempts={r['attempts']}  created={r['created_at']:%Y-%m-%d %H:%M:%S}  "
              f"{(r.get('last_error') or '')[:80]}")
    print(f"{len(page['items'])} {args.status}" + (f"; next page: --cursor {page['next_cursor']}"
                                                  if page["next_cursor"] else ""))


def add_resend(commands) -> None:
    parser = commands.add_parser("resend", help="send a failed or uncertain delivery again (audited)")
    parser.add_argument("id", help="the delivery's id, as `deliveries` prints it")
    parser.add_argument("--operator", required=True, help="your name, kept with the re-send")
    parser.add_argument("--reason", required=True, help="why it is sent again, kept with the re-send")


def run_resend(args, config: Config) -> None:
    if not args.operator.strip() or not args.reason.strip():
        sys.exit("--operator and --reason must not be blank")
    try:
        record = operations.resend(notification_for(config), args.id, args.operator.strip(), args.reason.strip(),
                                   f"cli@{socket.gethostname()}")
    except operations.DeliveryNotFound:
        sys.exit(f"no delivery {args.id}")
    except operations.ResendRefused as exc:
        sys.exit(str(exc))
    print(f"queued {record['_id']} (re-send of {record['resend_of']}); the scheduler sends it within moments")


EXTRA = {"deliveries": (add_deliveries, run_deliveries), "resend": (add_resend, run_resend)}

if __name__ == "__main__":
    operator_cli("notification", Config, GROUP, event_handler(Config.from_env()), extra=EXTRA)
