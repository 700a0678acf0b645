"""Rebuilding the listings from verification's decisions without ever losing one.

1. A staging collection starts as a copy of the live listings, so a registration whose
   events the topic no longer holds (retention, DeleteRecords) is carried over, never lost.
2. Every event the topic still holds, from its oldest to its end at the start, is projected
   onto the staging copy with the projection rules of today (an event re-derives the listing
   it produced; only a newer event is ever kept over it).
3. Only when the copy is complete is it published into the live collection, listing by
   listing and order-safe: the live collection is never empty or half-built, so verification
   of a registered number never answers `unknown`, and the worker keeps writing newer events
   meanwhile (a listing it stored after the rebuild's snapshot is kept, not overwritten).
The staging copy is dropped at the end, and the rebuild is marked on the collection: each web
process notices within half a minute and reloads its search index from the listings (the
re-derived ones included) while the old index keeps serving. (A rename onto the live collection would be one
step, but it would drop what the worker wrote meanwhile.)
"""
import datetime as dt
import sys

from directory.adapters.decision_log import DecisionLog
from directory.adapters.listings import ListingRepository
from directory.domain.listing import NotADecision, apply_decision, registration_number_of
from eventkit.position import Position
from servicekit.progress import Progress

BATCH = 1000


def project_batch(staging: ListingRepository, records: list[tuple[Position, dict]]) -> int:
    """Apply a batch of events to the staging copy; returns how many of them were unreadable."""
    skipped = 0
    numbers = set()
    for _, envelope in records:
        try:
            number = registration_number_of(envelope)
        except NotADecision:
            continue
        if number:
            numbers.add(number)
    current = staging.get_many(numbers)
    changed = set()
    for position, envelope in records:
        try:
            number = registration_number_of(envelope)
            if not number:
                continue
            listing = apply_decision(current.get(number), envelope, position.as_document())
        except NotADecision:
            skipped += 1
            continue
        if listing is not None:
            current[number] = listing
            changed.add(number)
    staging.replace_all([current[n] for n in changed])
    return skipped


def copy_batches(source: ListingRepository, write, progress: Progress) -> None:
    batch = []
    for listing in source.all():
        batch.append(listing)
        if len(batch) >= BATCH:
            write(batch)
            progress.advance(len(batch))
            batch = []
    write(batch)
    progress.advance(len(batch))
    progress.finish()


def rebuild(live: ListingRepository, staging: ListingRepository, log: DecisionLog, out=sys.stderr) -> dict:
    """Rebuild `live` through `staging` (an empty or leftover collection of the rebuild's own) from `log`."""
    staging.drop()
    copy_batches(live, staging.replace_all, Progress("carry over listings", live.count(), out))

    log.seek({})  # from the oldest record the topic still holds
    beginnings, ends = log.beginnings(), log.ends()
    events = Progress("replay events", sum(ends.values()) - sum(beginnings.values()), out)
    skipped = 0
    for records in log.read_until(ends, batch=BATCH):
        skipped += project_batch(staging, records)
        events.advance(len(records))
    events.finish()

    copy_batches(staging, live.store_all_unless_newer, Progress("publish", staging.count(), out))
    listings = staging.count()
    staging.drop()
    live.mark_rebuilt(dt.datetime.now(dt.timezone.utc).isoformat())  # web processes reload their index from it
    return {"events": events.done, "skipped": skipped, "listings": listings,
            "oldest_offsets": beginnings, "end_offsets": ends}
