"""How many database commands, and how long, the verification worker spends per `ApplicationSubmitted`.

Runs the worker's real handlers with the consumer loop's inbox steps around them, against the
running stack's database server in a scratch database (dropped afterwards), and counts every
command pymongo sends with a CommandListener. No Kafka: this measures the database side only.
  --batch 1   one event at a time: inbox check, handler, inbox record (the per-record path)
  --batch N   runs of N events, as the consumer loop does a poll with a batch handler: one inbox
              query, the batch handler, one inbox insert

    source deploy/local/env.sh && set -a && . .local/secrets.env && set +a
    .local/venv/bin/python services/verification/benchmarks/round_trips.py --events 600 --batch 100

Prints the commands per event by name and their mean duration, the events per second of one
worker (one process, one thread), and with --profile the top of a cProfile of the run.
"""
import argparse
import collections
import cProfile
import pstats
import sys
import time
import uuid
from pathlib import Path

from pymongo import monitoring

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests"))


class CommandCounter(monitoring.CommandListener):
    """Counts and times each command by name and collection while `counting`."""

    def __init__(self):
        self.by_name = collections.Counter()
        self.seconds_by_name = collections.Counter()
        self.seconds = 0.0
        self.counting = False
        self._names = {}

    def started(self, event):
        if self.counting:
            name = f"{event.command_name} {event.command.get(event.command_name, '')}"
            self.by_name[name] += 1
            self._names[event.request_id] = name

    def succeeded(self, event):
        self._took(event)

    def failed(self, event):
        self._took(event)

    def _took(self, event):
        name = self._names.pop(event.request_id, None)
        if name is not None:
            self.seconds += event.duration_micros / 1e6
            self.seconds_by_name[name] += event.duration_micros / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    counter = CommandCounter()
    monitoring.register(counter)  # before any client is made

    from eventkit.inbox import Inbox
    from eventkit.mongo import get_database
    from support.intake import submitted_event
    from verification.config import Config
    from eventkit.consumer import Incoming
    from verification.service_layer.handlers import GROUP
    try:
        from verification.bootstrap import application_batch_handlers, application_event_handler
    except ImportError:  # the code before batch handlers (to compare with it: PYTHONPATH=<its src>)
        from verification.service_layer.handlers import application_event_handler
        application_batch_handlers = None

    database = f"bench_verification_{uuid.uuid4().hex[:8]}"
    config = Config.from_env(mongodb_database=database)
    handler = application_event_handler(config)
    batch_handler = application_batch_handlers(config)["ApplicationSubmitted"] if application_batch_handlers else None
    inbox = Inbox(get_database(config.mongodb_uri, database), GROUP)
    # Half the applicants share a surname-and-city profile; a few share a contact, as real traffic does.
    events = [submitted_event(full_name=f"Applicant {i} Khan") for i in range(args.events + 20)]
    try:
        for envelope in events[:20]:  # warm up: indexes, connections, first-use building
            handler(envelope)
            inbox.mark_processed(envelope)
        counter.counting = True
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        measured = events[20:]
        if args.batch == 1:
            for envelope in measured:
                if not inbox.already_processed(envelope["event_id"]):
                    handler(envelope)
                    inbox.mark_processed(envelope)
        else:
            for start in range(0, len(measured), args.batch):
                run = measured[start:start + args.batch]
                known = inbox.processed_among([e["event_id"] for e in run])
                fresh = [e for e in run if e["event_id"] not in known]
                batch_handler([Incoming(e, None) for e in fresh])
                inbox.mark_all_processed([inbox.record_of(e) for e in fresh])
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        counter.counting = False
        n = args.events
        total = sum(counter.by_name.values())
        print(f"{n} ApplicationSubmitted events, runs of {args.batch}: {total / n:.2f} database commands per event, "
              f"{n / elapsed:.1f} events/s, {counter.seconds / elapsed:.0%} of the time waiting on the database")
        for name, count in counter.by_name.most_common():
            print(f"  {count / n:5.2f} × {name:<40} {counter.seconds_by_name[name] / count * 1000:5.2f} ms each")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    finally:
        get_database(config.mongodb_uri, database).client.drop_database(database)


if __name__ == "__main__":
    main()
