"""Verification's reviewer queue at 10,000 pending cases, over HTTP, as the issue asks: "At 10k pending cases
the queue's first page and a search answer in under 100 ms (measured in make bench, not asserted in a test)."

    PYTHONPATH=.:tests python -m bench.review_queue [--cases 10000] [--seconds 10] [--connections 4]

Seeds the cases into the running stack's verification database (bench/seed_review_queue.py), signs in with the
benchmark's reviewer account (made, or given a new password, with verification's own CLI), then for each
request a reviewer makes of the queue: one plain request (urllib), which checks the answer and times it
alone, then wrk for `seconds` with a few connections (requests/s, p50/p90/p99), then once more alone (the
first request is a web process's first read of that list; then it knows where the page ends). The server is the stack's
own verification web (port 8002), with whatever else the stack is doing meanwhile. The seeded cases are
removed whatever happens, so the stack's queue is as it was before.

A request the running service does not accept yet (a filter answering 422) is recorded as not available
rather than failing the benchmark; one answering fewer cases than it should (a search that is not there
yet) is measured anyway, and the report says how many it found.
"""
import argparse
import json
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench import processes
from bench.seed_review_queue import DATABASE, Seeded, pending, remove, seed
from eventkit.mongo import get_database

VERIFICATION = "http://127.0.0.1:8002"
SCRIPT = Path(__file__).with_name("wrk_get.lua")
REVIEWER = "bench-queue"  # the benchmark's reviewer account, kept between runs (a new password each run)
TARGET_MS = 100  # the target for the first page and a search
PAGE = 50


def say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def reviewer_token(base: str = VERIFICATION) -> str:
    """A bearer token of the benchmark's reviewer account: created with verification's CLI the first time,
    given a new random password (the CLI's reset-password, which also ends its older tokens) afterwards."""
    password = secrets.token_urlsafe(24)
    env = processes.stack_env(REVIEWER_PASSWORD=password)
    cli = [sys.executable, "-m", "verification.entrypoints.cli"]
    made = subprocess.run([*cli, "create-reviewer", REVIEWER, "--role", "reviewer"], cwd=processes.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if made.returncode != 0:
        if "exists already" not in made.stderr:
            raise RuntimeError(f"create-reviewer {REVIEWER} failed: {made.stderr.strip()}")
        subprocess.run([*cli, "reset-password", REVIEWER], cwd=processes.ROOT, env=env, capture_output=True,
                       text=True, timeout=120, check=True)
    request = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",
                                     data=json.dumps({"username": REVIEWER, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["access_token"]


def queue_requests(seeded: Seeded) -> list[tuple[str, dict, int]]:
    """(label, query parameters, how many cases the page should hold) of each request measured."""
    page = {"state": "pending", "limit": PAGE}
    return [("first page", page, PAGE),
            (f"search by name ({seeded.rare_first_name}: {seeded.rare_name_cases} seeded cases)",
             {**page, "q": seeded.rare_first_name}, min(PAGE, seeded.rare_name_cases)),
            ("search by application id", {**page, "q": seeded.some_id}, 1),
            ("search by CNIC", {**page, "q": seeded.some_cnic}, 1),
            ("first page, province=Punjab", {**page, "province": "Punjab"}, PAGE)]


def once(url: str, token: str) -> dict:
    """One plain request, timed alone: its status, time and how many cases its page held."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    elapsed = (time.perf_counter() - started) * 1000
    answer = {"status": status, "single_ms": round(elapsed, 1)}
    if status == 200:
        answer["items"] = len(json.loads(body)["items"])
    else:
        answer["error"] = body.decode(errors="replace")[:300]
    return answer


def run_wrk(url: str, token: str, seconds: float, connections: int, threads: int = 2) -> dict:
    """wrk's figures for GET `url` as the reviewer; a 60 s timeout, so that a slow answer is measured rather
    than counted as a timeout (wrk's default is 2 s)."""
    out = subprocess.run(["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{max(1, int(seconds))}s",
                          "--timeout", "60s", "--latency", "-H", f"Authorization: Bearer {token}", "-s", str(SCRIPT),
                          url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    ok = result["requests"] - result["non_2xx"]
    return {**result, "ok": ok, "per_second": round(ok / result["seconds"], 1), "connections": connections}


def settle(result: dict, connections: int) -> None:
    """Wait until the requests wrk left in flight are answered. When wrk stops, the server still holds up to one
    request per connection (its sync workers answer what they have read even after the client has gone), and
    they would stand in front of the next measurement: a slow first page made the lone search after it look
    slow (measured: 1.6 s instead of 20 ms). Bound: one after the other, each as slow as the slowest seen (wrk's,
    or the lone request's when wrk saw none finish)."""
    slowest = max(result["max_ms"], result["single_ms"]) / 1000
    time.sleep(min(60.0, 0.2 + connections * slowest))


def measure(mongodb: str, cases: int = 10_000, seconds: float = 10, connections: int = 4,
            base: str = VERIFICATION) -> dict:
    """Seed `cases` pending cases, measure each queue request, remove the cases again: always, on an exception,
    Ctrl-C or SIGTERM too (a SIGTERM meanwhile exits through the `finally`, not around it)."""
    token = reviewer_token(base)  # first: if signing in fails, nothing has been seeded yet
    db = get_database(mongodb, DATABASE)
    measured = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        seeded = seed(mongodb, cases)
        pending_cases = pending(db)
        say(f"{seeded.count:,} cases seeded in {seeded.seconds:.1f} s; the queue holds {pending_cases:,} pending "
            f"cases in all")
        for label, params, expected in queue_requests(seeded):
            path = f"/api/v1/reviews?{urlencode(params)}"
            result = {"request": label, "path": path, "expected_items": expected, **once(base + path, token)}
            if result["status"] == 200:
                result.update(run_wrk(base + path, token, seconds, connections))
                figures = (f"{result['per_second']}/s, p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, "
                           f"p99 {result['p99_ms']} ms" if result["ok"] else f"no 2xx answer within {seconds:g} s")
                settle(result, connections)
                # once more alone, now that every web process has read this list (the first read of a list in a
                # process learns its bounds, verification's adapters/queue_bounds.py)
                result["warm_single_ms"] = once(base + path, token)["single_ms"]
                say(f"{label}: {figures}; alone {result['single_ms']} ms first, {result['warm_single_ms']} ms "
                    f"after, {result['items']} cases")
            else:
                result["available"] = result["status"] != 422
                say(f"{label}: HTTP {result['status']}, not measured ({result['error'][:120]})")
            measured.append(result)
    finally:
        removed = remove(db)
        signal.signal(signal.SIGTERM, previous)
        say(f"removed the {removed:,} seeded cases")
    return {"cases_seeded": seeded.count, "pending_cases": pending_cases, "seed_seconds": round(seeded.seconds, 1),
            "removed": removed, "seconds": seconds, "connections": connections, "target_ms": TARGET_MS,
            "requests": measured}


def main() -> None:
    from support.local_stack import mongodb_uri

    parser = argparse.ArgumentParser(prog="python -m bench.review_queue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    print(json.dumps(measure(mongodb_uri(), args.cases, args.seconds, args.connections), indent=2))


if __name__ == "__main__":
    main()
