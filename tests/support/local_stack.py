"""The local stack on this machine (`make up`): where it keeps its files, its credentials and its process supervisor."""
import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / ".local"  # installed tools, data, logs, the mail and SMS sinks, secrets.env


def supervisorctl(*args: str) -> str:
    """Run supervisorctl on the local stack, e.g. supervisorctl("stop", "verification:verification-worker")."""
    command = 'source deploy/local/env.sh && supervisorctl_ "$@"'
    return subprocess.run(["bash", "-c", command, "supervisorctl", *args], cwd=ROOT,
                          capture_output=True, text=True).stdout


def mongodb_uri() -> str:
    """How to reach the local stack's DocumentDB gateway: the login and password deploy/local/env.sh gives
    the services (MONGODB_USERNAME, MONGODB_PASSWORD from .local/secrets.env), unless MONGODB_URI is set."""
    if os.environ.get("MONGODB_URI"):
        return os.environ["MONGODB_URI"]
    text = (LOCAL / "secrets.env").read_text()
    password = re.search(r'^export MONGODB_PASSWORD="\$\{MONGODB_PASSWORD:-(.*)\}"$', text, re.M).group(1)
    user = os.environ.get("MONGODB_USERNAME", "registry")
    port = os.environ.get("MONGODB_PORT", "27017")
    return f"mongodb://{user}:{password}@127.0.0.1:{port}/?authSource=admin"
