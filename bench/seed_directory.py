"""Fill a directory with synthetic approved freelancers, for the search benchmark.

    python -m bench.seed_directory --listings 100000 [--topic bench.decisions.100000]

Publishes one ApplicationApproved event per listing (public profile fields only, the shape
verification publishes) to a topic of the benchmark's own, with a progress bar. A directory
instance started with DECISIONS_TOPIC=<that topic> builds its listings and search index from
it exactly as the live one does from verification.events — without 100k fake approvals reaching
intake and notification. A topic that already holds the listings is left as it is.
"""
import argparse
import random
import sys
import time

from kafka.structs import TopicPartition

from bench.directory_search import synthetic
from eventkit.envelope import encode, new_event
from eventkit.kafka import ensure_topics, make_consumer, make_producer


def topic_for(listings: int) -> str:
    return f"bench.decisions.{listings}"


def events_on(bootstrap: str, topic: str) -> int:
    consumer = make_consumer(bootstrap, None, "bench-seed-check")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        return sum(consumer.end_offsets(partitions).values()) if partitions else 0
    finally:
        consumer.close(autocommit=False)


def approval(listing: dict, n: int) -> dict:
    profile = {k: listing[k] for k in ("full_name", "city", "province", "skills", "platforms", "headline")}
    payload = {"registration_number": listing["registration_number"], "valid_until": listing["valid_until"],
               "listed": True, "profile": profile}
    return new_event("ApplicationApproved", f"bench{n:010d}", payload, source="bench-seed")


def seed(bootstrap: str, listings: int, topic: str, out=sys.stderr) -> int:
    """Publish `listings` approvals to `topic` unless it already holds them; returns how many were sent."""
    ensure_topics(bootstrap, [topic])
    if events_on(bootstrap, topic) >= listings:
        out.write(f"  {topic} already holds {listings:,} listings\n")
        return 0
    rng = random.Random(listings)
    producer = make_producer(bootstrap, "bench-seed", linger_ms=50, batch_size=256 * 1024, enable_idempotence=False,
                             acks=1)
    started = time.monotonic()
    for n in range(1, listings + 1):
        event = approval(synthetic(n, rng), n)
        producer.send(topic, key=event["key"].encode(), value=encode(event))
        if n % 2000 == 0 or n == listings:
            filled = int(30 * n / listings)
            out.write(f"\r  seeding {topic} [{'#' * filled}{'.' * (30 - filled)}] {n:,}/{listings:,} "
                      f"({n / (time.monotonic() - started):,.0f}/s)")
            out.flush()
    producer.flush(timeout=120)
    producer.close(timeout=30)
    out.write("\n")
    return listings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seed_directory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, required=True, help="how many approved freelancers")
    parser.add_argument("--topic", help="topic to fill (default bench.decisions.<listings>)")
    parser.add_argument("--kafka", default="127.0.0.1:9092", help="bootstrap servers (default %(default)s)")
    args = parser.parse_args()
    seed(args.kafka, args.listings, args.topic or topic_for(args.listings))


if __name__ == "__main__":
    main()
