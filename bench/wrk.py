"""HTTP rates measured with wrk (Debian's package, a C load generator): it does not starve the
servers the way a Python generator on the same two cores does, so the ratio of intake to a bare
Flask endpoint, taken side by side in one run, is the figure that counts.

Both servers are started here with the services' gunicorn settings; intake's instance trusts one
proxy hop, so wrk's X-Forwarded-For gives every request a client address of its own (intake limits
submissions per address) — the way it runs behind a load balancer in production.
"""
import contextlib
import json
import shutil
import subprocess
from pathlib import Path

from bench import processes

SCRIPT = Path(__file__).with_name("wrk_submit.lua")
# gunicorn workers for both servers of the side-by-side: what the stack gives intake's web
# (deploy/local/supervisord.conf and docker-compose.yml set WEB_CONCURRENCY=4 for it).
INTAKE_WEB_WORKERS = "4"


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, seconds: float, connections: int, threads: int = 2) -> dict:
    """wrk against POST /api/v1/applications; requests/s counts only 2xx answers."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency",
                          "-s", str(SCRIPT), url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    ok = result["requests"] - result["non_2xx"]
    return {**result, "ok": ok, "per_second": round(ok / result["seconds"], 1), "connections": connections,
            "tool": "wrk"}


def side_by_side(seconds: float, connections: int = 8, bare_port: int = 8090, intake_port: int = 8091,
                 quiet=None) -> dict:
    """The bare endpoint, then intake, each for `seconds` under the same wrk load; with `quiet` (a context
    manager factory, bench.quiet.event_processes_stopped) intake runs twice: first on its own with the
    event processes stopped (`intake`, the figure compared with the bare endpoint), then with the whole
    pipeline running beside it (`intake_with_pipeline`)."""
    results = {}
    same = {"WEB_CONCURRENCY": INTAKE_WEB_WORKERS}  # intake's setting in the stack, for both servers
    runs = [("bare_flask", "bench.bare_app:create_app()", bare_port, same, None)]
    intake = ("intake.entrypoints.app:create_app()", intake_port, {"TRUSTED_PROXY_HOPS": "1", **same})
    if quiet is not None:
        runs.append(("intake", *intake, quiet))
        runs.append(("intake_with_pipeline", *intake, None))
    else:
        runs.append(("intake", *intake, None))
    for name, app, port, env, context in runs:
        server = processes.Gunicorn(app, port, f"bench-wrk-{name}", **env)
        try:
            server.wait_ready()
            with context() if context is not None else contextlib.nullcontext():
                results[name] = run_wrk(server.url, seconds, connections)
        finally:
            server.stop()
    results["intake_vs_bare"] = results["intake"]["per_second"] / max(results["bare_flask"]["per_second"], 1e-9)
    if "intake_with_pipeline" in results:
        results["intake_with_pipeline_vs_bare"] = (results["intake_with_pipeline"]["per_second"]
                                                   / max(results["bare_flask"]["per_second"], 1e-9))
    return results
