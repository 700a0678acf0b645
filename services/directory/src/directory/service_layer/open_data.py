"""The daily open-data job (domain/open_data.py says what is published): every published listing streamed once
into listings.csv and listings.json, their statistics into stats.json, each with its SHA-256; then only the newest
days are kept. Run by `python -m directory.entrypoints.cli open-data` (a scheduled job: a cron entry or a
Kubernetes CronJob), with a progress bar; safe to repeat (the day's files are replaced)."""
import datetime as dt
import sys

from directory.domain.open_data import (FILES, Statistics, csv_header, csv_line, json_item, published, row_of)
from servicekit.progress import Progress

PROGRESS_EVERY = 1000  # listings between two redraws of the progress bar


def publish_snapshot(listings, store, today: dt.date, out=sys.stderr) -> list[dict]:
    """Write the day's files; their descriptions (name, sha256, rows, …)."""
    day = today.isoformat()
    as_csv = store.writer("listings.csv", day, FILES["listings.csv"])
    as_json = store.writer("listings.json", day, FILES["listings.json"])
    as_csv.write(csv_header())
    as_json.write("[")
    statistics = Statistics()
    progress = Progress("open data: listings", listings.count(), out)
    first, seen = True, 0
    for listing in listings.all():
        seen += 1
        if seen % PROGRESS_EVERY == 0:
            progress.advance(PROGRESS_EVERY)
        if not published(listing):
            continue
        row = row_of(listing, today)
        as_csv.write(csv_line(row), rows=1)
        as_json.write(("\n" if first else ",\n") + json_item(row), rows=1)
        statistics.add(row)
        first = False
    progress.advance(seen % PROGRESS_EVERY)
    progress.finish()
    as_json.write("\n]\n")
    stats = store.writer("stats.json", day, FILES["stats.json"])
    stats.write(statistics.as_json(day), rows=statistics.listed)
    written = [as_csv.finish(), as_json.finish(), stats.finish()]
    store.keep_newest()
    return written
