"""Adds any missing local key or credential to a secrets file (never overwrites one).

    python3 deploy/local/make_secrets.py .local/secrets.env

Each line is `export NAME="${NAME:-value}"`, so a value already in the environment wins.
Standard library only: it runs before the virtualenv exists.
"""
import base64
import os
import re
import secrets
import sys
from pathlib import Path

KEYS = ["INTAKE_PII_KEY", "EVENT_PII_KEY", "CNIC_INDEX_KEY"]  # 32 random bytes, base64
TOKENS = ["INTAKE_SECRET_KEY", "INTAKE_SERVICE_TOKEN", "VERIFICATION_SECRET_KEY", "NOTIFICATION_OPERATOR_TOKEN",
          "MONGODB_PASSWORD", "SANDBOX_AGGREGATOR_KEY", "WEBHOOK_SIGNING_KEY",
          "NOTIFICATION_SERVICE_TOKEN", "PAYMENTS_SERVICE_TOKEN"]  # opaque random strings


def main(path: Path) -> None:
    existing = path.read_text() if path.exists() else ""
    have = set(re.findall(r"^export (\w+)=", existing, re.M))
    lines = []
    for name in KEYS + TOKENS:
        if name not in have:
            value = base64.b64encode(os.urandom(32)).decode() if name in KEYS else secrets.token_urlsafe(32)
            lines.append(f'export {name}="${{{name}:-{value}}}"\n')
    if lines:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as out:
            out.writelines(lines)
        path.chmod(0o600)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
