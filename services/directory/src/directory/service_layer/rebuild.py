"""Rebuilding the listings from verification.events, from the beginning, with a progress bar.

Reads every partition up to its end at the start into a fresh collection, then swaps it
in with renameCollection, so the live read model is never half-built. (FerretDB cannot
rename onto an existing collection, so the old one is dropped first: lookups in that
moment find nothing.)
"""
import sys
import time

from kafka.structs import TopicPartition

from directory.adapters.listings import COLLECTION, ListingRepository
from directory.config import Config
from directory.service_layer.handlers import project
from eventkit.envelope import InvalidMessage, decode
from eventkit.kafka import make_consumer
from eventkit.mongo import get_database


def progress(done: int, total: int, started: float, out=sys.stderr) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    rate = done / max(time.monotonic() - started, 1e-6)
    out.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} events  {rate:,.0f}/s")
    out.flush()


def rebuild(config: Config, out=sys.stderr) -> dict:
    db = get_database(config.mongodb_uri, config.mongodb_database)
    staging = f"{COLLECTION}_rebuild"
    db.drop_collection(staging)
    listings = ListingRepository(db, staging)
    consumer = make_consumer(config.kafka_bootstrap_servers, None, "directory-rebuild", enable_auto_commit=False)
    topic = config.decisions_topic
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    total = sum(ends.values()) - sum(consumer.beginning_offsets(partitions).values())
    done = skipped = 0
    started = time.monotonic()
    try:
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            for tp, messages in consumer.poll(timeout_ms=1000, max_records=500).items():
                for message in messages:
                    if message.offset >= ends[tp]:
                        continue
                    try:
                        project(listings, decode(message.value))
                    except InvalidMessage:
                        skipped += 1
                    done += 1
            progress(done, total, started, out)
    finally:
        consumer.close(autocommit=False)
    out.write("\n")
    count = listings.collection.count_documents({})
    db.drop_collection(COLLECTION)
    if count:
        listings.collection.rename(COLLECTION)
    return {"events": done, "skipped": skipped, "listings": count}
