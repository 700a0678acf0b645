"""Tools for the failure drills: the steady stream, the audit, and hands on the local stack's
processes (supervisorctl, kill -9). The drills need the local stack: they stop its servers."""
import os
import signal
import subprocess
import sys
import time

import pytest

from support.audit import audit
from support.intake import secrets_env
from support.traffic import SteadySubmissions


@pytest.fixture(scope="session", autouse=True)
def pipeline_warmed_up(stack, bank):
    """A few applications through the whole pipeline before the first drill, so the first drill
    measures its own failure and not a stack whose consumers are still joining after `make up`."""
    with SteadySubmissions(stack.url("intake"), bank, rate=1.0) as stream:
        time.sleep(2.5)
    audit(stack, stream.accepted, settle_timeout=300)


@pytest.fixture
def steady(stack, bank):
    """steady(rate=3) -> a SteadySubmissions to use in a `with` block."""
    def start(rate: float = 3.0) -> SteadySubmissions:
        return SteadySubmissions(stack.url("intake"), bank, rate)
    return start


class Processes:
    """The local stack's supervised processes, by supervisor name (e.g. verification:verification-worker)."""

    def __init__(self, stack):
        self.stack = stack

    def pid(self, name: str) -> int:
        return int(self.stack.supervisorctl("pid", name).strip())

    def kill9(self, name: str) -> int:
        pid = self.pid(name)
        # supervisorctl says 0 for a stopped program, and kill(0) would kill this test run's own process group
        assert pid > 1, f"{name} is not running (pid {pid}): nothing to kill"
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self, name: str) -> None:
        self.stack.supervisorctl("stop", name)

    def start(self, name: str) -> None:
        self.stack.supervisorctl("start", name)

    def wait_running(self, name: str, other_than: int | None = None, timeout: float = 60) -> int:
        """Wait until supervisor has `name` RUNNING again (with a new pid after a kill)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.stack.supervisorctl("status", name)
            if "RUNNING" in status:
                pid = self.pid(name)
                if pid and pid != other_than:
                    return pid
            time.sleep(0.5)
        pytest.fail(f"{name} did not come back: {self.stack.supervisorctl('status', name)}")

    def run_cli(self, service: str, *args: str, env: dict | None = None, timeout: float = 180) -> str:
        """Run a service's operator command as an operator would, e.g. run_cli("verification", "replay-dead-letters")."""
        command = [sys.executable, "-m", f"{service}.entrypoints.cli", *args]
        result = subprocess.run(command, env={**os.environ, **secrets_env(), **(env or {})},
                                capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout


@pytest.fixture(scope="session")
def processes(stack):
    return Processes(stack)
