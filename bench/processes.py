"""Processes the benchmark starts and stops beside the running stack: a gunicorn app with the
services' settings on a port of its own, and an extra verification worker."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from support.intake import secrets_env
from support.local_stack import LOCAL, ROOT

GUNICORN = LOCAL / "venv" / "bin" / "gunicorn"


def stack_env(**extra) -> dict:
    """The environment the stack's processes get: its keys from .local/secrets.env, plus `extra`."""
    return {**os.environ, **secrets_env(), "LOG_LEVEL": "WARNING", **extra}


def port_in_use(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:`port`."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Gunicorn:
    """`app` (a gunicorn app spec) served with deploy/gunicorn.conf.py on `port`, until stopped."""

    def __init__(self, app: str, port: int, log_name: str, **env):
        self.url = f"http://127.0.0.1:{port}"
        if port_in_use(port):  # its /healthz would answer for ours, and the figures would be another server's
            raise RuntimeError(f"port {port} is in use by another process; the benchmark needs it free")
        log = open(LOCAL / "logs" / f"{log_name}.log", "ab")
        self.process = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), app],
                                        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                        env=stack_env(PORT=str(port), PYTHONPATH=str(ROOT), **env))

    def wait_ready(self, path: str = "/healthz", timeout: float = 600, consecutive: int = 1) -> float:
        """Seconds until `path` answered 200 `consecutive` times in a row (each worker process may differ)."""
        started, streak = time.monotonic(), 0
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.url} exited with {self.process.returncode}")
            try:
                streak = streak + 1 if httpx.get(self.url + path, timeout=5).status_code == 200 else 0
            except httpx.HTTPError:
                streak = 0
            if streak >= consecutive:
                return time.monotonic() - started
            if streak == 0:  # ask again at once after a 200: the streak checks the other workers, not the clock
                time.sleep(0.2)
        raise TimeoutError(f"{self.url}{path} not ready after {timeout}s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def run_cli(service: str, *args: str, **env) -> str:
    """Run `python -m <service>.entrypoints.cli ARGS` with the stack's settings plus `env`; its
    progress goes to the benchmark's stderr. Returns what it printed on stdout."""
    result = subprocess.run([sys.executable, "-m", f"{service}.entrypoints.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env=stack_env(**env), check=True)
    return result.stdout


def start_worker(service: str, log_name: str, profile_to: Path | None = None, **env) -> subprocess.Popen:
    """A worker process of `service` (optionally under cProfile, written when it stops)."""
    command = [sys.executable]
    if profile_to is not None:
        command += ["-m", "cProfile", "-o", str(profile_to)]
    command += ["-m", f"{service}.entrypoints.worker"]
    log = open(LOCAL / "logs" / f"{log_name}.log", "ab")
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=stack_env(**env))


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=90)
