"""`make bench`: measure the running stack and write reports/bench.{json,md} with PNG charts.

    python -m bench.run [--quick] [--only intake,latency,pipeline,search,queue] [--listings 10000 100000]
                        [--queue-cases 10000] [--reports DIR]

Order: bare Flask baseline, intake throughput on its own (relays and workers stopped: bench/quiet.py)
and with the pipeline running (then waits for the backlog it made to drain),
submit-to-searchable latency at a steady offered load, pipeline throughput with one and with two
verification workers (the first profiled), directory search over HTTP at each size (seeding a
topic of its own with a progress bar), and verification's reviewer queue over HTTP with 10,000 pending
cases seeded into the stack's database and removed afterwards (bench/review_queue.py). Progress goes to
stderr; figures to stdout and the report.
"""
import argparse
import sys
from pathlib import Path

from bench import quiet, report, review_queue, scenarios, wrk
from bench.idle import wait_until_idle

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
STEPS = ("intake", "latency", "pipeline", "search", "queue")


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def idle() -> float:
    """Wait for the previous step's work to finish everywhere before measuring the next."""
    return wait_until_idle(scenarios.KAFKA, scenarios.MONGODB, say=lambda m: print(m, file=sys.stderr, flush=True))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test of the benchmark itself)")
    parser.add_argument("--only", default=",".join(STEPS), help="comma-separated steps (default: all)")
    parser.add_argument("--listings", type=int, nargs="+", default=[10_000, 100_000], help="directory sizes")
    parser.add_argument("--queue-cases", type=int, default=None,
                        help="pending cases seeded for the queue step (default 10000; 1000 with --quick)")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="where the report goes (default %(default)s)")
    args = parser.parse_args()
    reports = args.reports
    reports.mkdir(parents=True, exist_ok=True)  # a fresh clone has no reports/ (it is not in git)
    steps = set(args.only.split(","))
    seconds = 2 if args.quick else 20  # quick: a smoke test of the benchmark, not figures (each second floods the
    # pipeline with ~300 applications that every later step waits for)
    results: dict = {}

    if "intake" in steps:
        if not wrk.wrk_available():
            sys.exit("bench: wrk is not installed (make install installs Debian's package)")
        say(f"wrk: bare Flask endpoint, intake alone (relays and workers stopped), intake with the pipeline "
            f"running; {seconds} s each, 8 connections")
        results.update(wrk.side_by_side(seconds, connections=8, quiet=quiet.event_processes_stopped))
        say(f"waiting until every service has handled the {results['intake']['ok']} applications just accepted")
        results["system_idle_after_s"] = round(idle(), 1)
    if "latency" in steps:
        idle()
        rate = 5.0 if args.quick else 20.0
        say(f"submit-to-searchable latency at {rate:g} applications/s offered")
        results["submit_to_searchable"] = scenarios.submit_to_searchable(rate=rate, seconds=10 if args.quick else 45)
    if "pipeline" in steps:
        count = 60 if args.quick else 2000  # at 150/s, 2,000 keep two workers busy ~13 s
        results["pipeline"] = []
        for workers in (1, 2):
            idle()
            say(f"pipeline throughput: {count} queued applications, {workers} verification worker(s)")
            results["pipeline"].append(scenarios.pipeline(workers, count, reports))
        results["profile"] = {"stage": "verification worker", **report.profile_summary(
            reports / "verification-worker-1.prof")}
    if "search" in steps:
        idle()
        results["directory_search"] = []
        for n, size in enumerate(args.listings):
            say(f"directory search over HTTP at {size:,} listings (wrk, 8 connections)")
            results["directory_search"].append(scenarios.directory_search(size, seconds, clients=8, port=8094 + n))
    if "queue" in steps:
        if not wrk.wrk_available():
            sys.exit("bench: wrk is not installed (make install installs Debian's package)")
        idle()
        cases = args.queue_cases or (1_000 if args.quick else 10_000)
        queue_seconds = 3 if args.quick else 10
        say(f"reviewer queue over HTTP at {cases:,} seeded pending cases: each request once alone, then wrk "
            f"({queue_seconds} s each, 4 connections)")
        results["review_queue"] = review_queue.measure(scenarios.MONGODB, cases, seconds=queue_seconds, connections=4)

    path = report.write(results, reports)
    print(path.read_text())
    say(f"report: {path} (and bench.json, charts beside it)")


if __name__ == "__main__":
    main()
