"""Payments' operator commands: `python -m payments.entrypoints.cli --help`.

For now the common one, `settings` (secrets masked). Payments has no worker yet, so no
`replay-dead-letters`; the voucher expiry and the bank sandbox's commands come with its processes."""
from payments.config import Config
from servicekit.process import operator_cli

if __name__ == "__main__":
    operator_cli("payments", Config)
