"""How many database commands, and which, one accepted submission costs intake.

Posts applications through intake's real Flask app (the JSON API, rate limit included) in this
process, against the running stack's database server in a scratch database (dropped afterwards),
and counts every command pymongo sends with a CommandListener. No Kafka: a submission never talks
to it (the relay publishes later). Also prints the submissions per second of this one thread, and
with --profile the top of a cProfile of the run (where a submission's time goes).

    .local/venv/bin/python services/intake/benchmarks/submission_commands.py --submissions 300
"""
import argparse
import collections
import cProfile
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

from pymongo import monitoring

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests"))


class CommandCounter(monitoring.CommandListener):
    """Counts each command by name and collection while `counting`."""

    def __init__(self):
        self.by_name = collections.Counter()
        self.counting = False

    def started(self, event):
        if self.counting:
            self.by_name[f"{event.command_name} {event.command.get(event.command_name, '')}"] += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from support.intake import secrets_env, valid_application

    database = f"bench_intake_{uuid.uuid4().hex[:8]}"
    os.environ.update({**secrets_env(), "MONGODB_DATABASE": database, "SUBMIT_LIMIT_PER_HOUR": "1000000",
                       "LOG_LEVEL": "WARNING"})
    counter = CommandCounter()
    monitoring.register(counter)

    from eventkit.mongo import get_client
    from intake.entrypoints.app import create_app

    client = create_app({"TESTING": True}).test_client()
    bodies = [valid_application() for _ in range(args.submissions + 1)]
    try:
        assert client.post("/api/v1/applications", json=bodies.pop()).status_code == 202  # warm: indexes, stamp
        counter.counting = True
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for body in bodies:
            response = client.post("/api/v1/applications", json=body)
            assert response.status_code == 202, response.text
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        counter.counting = False
    finally:
        get_client(os.environ["MONGODB_URI"]).drop_database(database)
    total = sum(counter.by_name.values())
    print(f"{args.submissions} submissions: {total / args.submissions:.2f} database commands each, "
          f"{args.submissions / elapsed:.0f} submissions/s in one thread")
    for name, count in counter.by_name.most_common():
        print(f"  {count / args.submissions:6.2f}  {name}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
