"""Payments' operator commands: `python -m payments.entrypoints.cli --help`.

Besides the common ones (`settings`, `replay-dead-letters`): `expire-vouchers` runs the scheduler's
expiry once, now (the scheduler does it every VOUCHER_SWEEP_SECONDS), and `voucher NUMBER` shows
one voucher as the aggregator's inquiry sees it, with the application it belongs to."""
import sys

from payments.bootstrap import check_settings, event_handler, payments_for
from payments.config import Config
from payments.service_layer.expiry import expire_due
from payments.service_layer.handlers import GROUP
from servicekit.process import operator_cli


def add_expire(commands) -> None:
    commands.add_parser("expire-vouchers", help="expire every unpaid voucher past its due date, now")


def run_expire(args, config: Config) -> None:
    check_settings(config)
    print(f"{expire_due(payments_for(config))} vouchers expired")


def add_voucher(commands) -> None:
    parser = commands.add_parser("voucher", help="show one voucher: application, amount, due date, status")
    parser.add_argument("number", help="the voucher number, as printed on the voucher")


def run_voucher(args, config: Config) -> None:
    voucher = payments_for(config).vouchers.get(args.number.strip())
    if voucher is None:
        sys.exit(f"no voucher {args.number}")
    print(f"{voucher.number}  application={voucher.application_id}  cycle={voucher.fee_cycle}  "
          f"amount={voucher.amount}  due={voucher.due_date.isoformat()}  status={voucher.status}"
          + (f"  paid_at={voucher.paid_at:%Y-%m-%d %H:%M:%S}  transaction={voucher.transaction_id}"
             f"  aggregator={voucher.aggregator_id}" if voucher.paid_at else ""))


EXTRA = {"expire-vouchers": (add_expire, run_expire), "voucher": (add_voucher, run_voucher)}

if __name__ == "__main__":
    config = Config.from_env()
    operator_cli("payments", Config, GROUP, event_handler(config), extra=EXTRA)
