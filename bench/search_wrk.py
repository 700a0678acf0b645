"""Directory search over HTTP, measured with wrk (a C load generator that does not starve the
servers): a directory instance with the services' gunicorn settings serves a database whose
`listings` hold N synthetic listings, wrk sends the search mix of bench/directory_search.py.

    PYTHONPATH=.:tests python -m bench.search_wrk [--listings 10000 100000] [--seconds 20] [--connections 8]

Per size: seconds until every web process was ready (/readyz answered 200 eight times in a row),
then searches/s and p50/p99 latency. Writes reports/search_wrk.json.
"""
import argparse
import json
import random
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from bench import processes
from bench.directory_search import TOPIC, listings_database, queries

SCRIPT = Path(__file__).with_name("wrk_search.lua")
KAFKA = "127.0.0.1:9092"


def search_paths(count: int = 2000) -> list[str]:
    rng = random.Random(7)
    return [f"/api/v1/freelancers?{urlencode(params)}" if params else "/api/v1/freelancers"
            for params in queries(rng, count)]


def run_wrk(url: str, paths_file: str, seconds: float, connections: int, threads: int = 2) -> dict:
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency",
                          "-s", str(SCRIPT), url, "--", paths_file], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    ok = result["requests"] - result["non_2xx"]
    return {**result, "ok": ok, "per_second": round(ok / result["seconds"], 1), "connections": connections,
            "tool": "wrk"}


def search_over_http(url: str, seconds: float, connections: int) -> dict:
    """wrk's figures for the search mix sent to the directory at `url`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as paths:
        paths.write("\n".join(search_paths()) + "\n")
        paths.flush()
        return run_wrk(url, paths.name, seconds, connections)


def directory_search(size: int, seconds: float, connections: int = 8, port: int = 8097) -> dict:
    """Seed (once) a database of `size` listings, start a directory on it, wait until ready, run wrk."""
    from eventkit.kafka import ensure_topics
    from eventkit.mongo import get_client
    from support.local_stack import mongodb_uri

    database = listings_database(get_client(mongodb_uri()), size)
    ensure_topics(KAFKA, [TOPIC])  # the instance follows a topic of its own, which stays empty
    server = processes.Gunicorn("directory.entrypoints.app:create_app()", port, f"bench-search-wrk-{size}",
                                MONGODB_DATABASE=database.name, DECISIONS_TOPIC=TOPIC)
    try:
        ready_seconds = server.wait_ready("/readyz", consecutive=8)
        result = search_over_http(server.url, seconds, connections)
    finally:
        server.stop()
    return {"listings": size, "ready_seconds": round(ready_seconds, 1), **result}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_wrk", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    results = [directory_search(size, args.seconds, args.connections) for size in args.listings]
    out = Path("reports")
    out.mkdir(exist_ok=True)
    (out / "search_wrk.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
