"""Worker processes stop cleanly on SIGTERM (what `make down` and a deploy send) and come back."""
from pathlib import Path

import pytest

SUPERVISOR_LOG = Path(__file__).resolve().parents[2] / ".local" / "logs" / "supervisord.log"


@pytest.mark.parametrize("process", ["intake:intake-worker", "intake:intake-relay"])
def test_sigterm_stops_the_process_cleanly(stack, process, wait_for):
    name = process.split(":")[1]
    log_size = SUPERVISOR_LOG.stat().st_size
    try:
        stack.supervisorctl("stop", process)  # sends SIGTERM, waits up to stopwaitsecs before SIGKILL
        with SUPERVISOR_LOG.open() as log:
            log.seek(log_size)
            new_lines = log.read()
        assert f"stopped: {name} (exit status 0)" in new_lines
    finally:
        stack.supervisorctl("start", process)
    wait_for(lambda: "RUNNING" in stack.supervisorctl("status", process), message=f"{process} running again")
