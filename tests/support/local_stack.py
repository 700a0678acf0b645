"""The local stack on this machine (`make up`): where it keeps its files, and its process supervisor."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / ".local"  # installed tools, data, logs, the mail and SMS sinks, secrets.env


def supervisorctl(*args: str) -> str:
    """Run supervisorctl on the local stack, e.g. supervisorctl("stop", "verification:verification-worker")."""
    command = 'source deploy/local/env.sh && supervisorctl_ "$@"'
    return subprocess.run(["bash", "-c", command, "supervisorctl", *args], cwd=ROOT,
                          capture_output=True, text=True).stdout
