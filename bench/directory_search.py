"""Directory search at scale: the in-memory index against the indexed `listings` collection.

    python bench/directory_search.py [--listings 10000 100000] [--queries 300] [--only memory,collection,ready]

For each size, with the same synthetic listings and the same mix of searches (name prefixes, each
filter, combinations, everything; each a page with its total and facets, half with a second page):

- memory: the web process's SearchIndex, loaded in bulk; p50/p99 per search, one process;
- collection: the same searches served by the database (candidate (a)): compound indexes for the
  filters, a multikey index of every word prefix for `q`, a page sorted by name, `count_documents`
  for the total and one `$facet` of `$group`s for the facets; p50/p99 per search;
- ready: what a web process does at start (entrypoints/search_feed.py SearchFeed.load: positions,
  the projected scan, the bulk load), timed against a `listings` collection written by the real
  repository.

The collections live in the databases `directory_search_bench` (the collection candidate) and
`directory_search_bench_<size>` (listings as stored) and are kept between runs (seeding 100k
listings takes a minute). Progress on stderr; writes reports/directory_search.json.
"""
import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from directory.adapters.indexes import INDEXES
from directory.adapters.listings import ListingRepository
from directory.domain.search_index import FACETS, TOP_VALUES, SearchIndex, listing_words, normalise, words
from domainkit.geography import PROVINCES
from domainkit.platforms import PLATFORMS
from domainkit.skills import SKILLS

FIRST = ["Ayesha", "Bilal", "Fatima", "Hamza", "Sana", "Usman", "Zainab", "Ali", "Mahnoor", "Hassan", "محمد", "عائشہ"]
LAST = ["Khan", "Ahmed", "Malik", "Butt", "Qureshi", "Siddiqui", "Chaudhry", "Shah", "علی", "حسین"]
CITIES = ["Lahore", "Karachi", "Islamabad", "Peshawar", "Quetta", "Multan", "Faisalabad", "Hyderabad", "Gilgit"]
WORDS = ["developer", "designer", "writer", "marketer", "consultant", "analyst", "editor", "expert", "freelancer"]
DATABASE = "directory_search_bench"
TOPIC = "bench.directory.positions"  # no listing comes from it: positions are asked for, none are found


def synthetic(n: int, rng: random.Random) -> dict:
    skills = rng.sample([s.slug for s in SKILLS], rng.randint(1, 5))
    return {"registration_number": f"PSEB-2026-{n:06d}-A", "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} "
            f"{rng.choice(FIRST)}{n % 997}", "city": rng.choice(CITIES), "province": rng.choice(PROVINCES),
            "skills": skills, "platforms": [{"platform": p, "profile_url": f"https://{p}.com/u{n}"}
                                            for p in rng.sample(PLATFORMS[:-1], rng.randint(1, 3))],
            "headline": f"{rng.choice(WORDS)} {rng.choice(WORDS)}", "listed": True, "revoked": False,
            "valid_until": "2099-01-01"}


def stored(listing: dict) -> dict:
    """The document the worker's projection stores for this listing."""
    return {"_id": listing["registration_number"], **listing, "approved_at": "2026-01-01T00:00:00+00:00",
            "application_id": "bench", "last_event_at": "2026-01-01T00:00:00+00:00", "source": None}


def queries(rng: random.Random, count: int) -> list[dict]:
    kinds = [lambda: {"q": rng.choice(FIRST)[:3]}, lambda: {"q": rng.choice(WORDS)[:4]},
             lambda: {"province": rng.choice(PROVINCES)}, lambda: {"skill": rng.choice(SKILLS).slug},
             lambda: {"city": rng.choice(CITIES), "platform": rng.choice(PLATFORMS[:-1])},
             lambda: {"q": rng.choice(LAST), "province": rng.choice(PROVINCES), "skill": rng.choice(SKILLS).slug},
             lambda: {}]
    return [rng.choice(kinds)() for _ in range(count)]


def summary(latencies: list[float]) -> dict:
    latencies = sorted(latencies)
    return {"p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 2),
            "max_ms": round(latencies[-1], 2), "searches_per_second": round(1000 / statistics.mean(latencies), 1)}


def say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# -- (b) the in-memory index --------------------------------------------------------------------
def run_memory(size: int, query_count: int) -> dict:
    rng = random.Random(size)
    listings = [synthetic(n, rng) for n in range(1, size + 1)]
    started = time.perf_counter()
    index = SearchIndex()
    index.load(listings)
    load_seconds = time.perf_counter() - started
    latencies = []
    for params in queries(rng, query_count):
        t = time.perf_counter()
        first = index.search(limit=20, **params)
        if first["next_cursor"]:
            index.search(limit=20, cursor=first["next_cursor"], **params)
        latencies.append((time.perf_counter() - t) * 1000)
    return {"candidate": "memory", "listings": size, "load_seconds": round(load_seconds, 2), **summary(latencies)}


# -- (a) the indexed collection -----------------------------------------------------------------
def search_document(listing: dict) -> dict:
    """A listing with the fields the collection candidate searches on: every prefix of every word."""
    prefixes = sorted({word[:i] for word in listing_words(listing) for i in range(1, len(word) + 1)})
    return {**stored(listing), "searchable": True, "name_key": normalise(listing["full_name"]),
            "city_key": normalise(listing["city"]), "platform_slugs": sorted({p["platform"] for p in listing["platforms"]}),
            "prefixes": prefixes}


def seeded(database, name: str, size: int, make) -> "Collection":  # noqa: F821 - pymongo's, for the reader
    collection = database[name]
    # An exact count: DocumentDB's estimate comes from PostgreSQL's statistics and lags inserts.
    if collection.count_documents({}) == size:
        return collection
    collection.drop()
    rng = random.Random(size)
    batch = []
    for n in range(1, size + 1):
        batch.append(make(synthetic(n, rng)))
        if len(batch) == 2000 or n == size:
            collection.insert_many(batch, ordered=False)
            batch = []
            sys.stderr.write(f"\r  seeding {name}: {n:,}/{size:,}")
    sys.stderr.write("\n")
    return collection


def collection_candidate(database, size: int):
    from pymongo import ASCENDING, IndexModel

    collection = seeded(database, f"by_query_{size}", size, search_document)
    order = [("name_key", ASCENDING), ("_id", ASCENDING)]
    collection.create_indexes([IndexModel([("searchable", ASCENDING), *order]),
                               *(IndexModel([("searchable", ASCENDING), (field, ASCENDING), *order])
                                 for field in ("province", "city_key", "skills", "platform_slugs", "prefixes"))])
    return collection


def collection_search(collection, q: str = "", limit: int = 20, cursor=None, **filters) -> dict:
    match = {"searchable": True}
    fields = {"province": "province", "city": "city_key", "skill": "skills", "platform": "platform_slugs"}
    for facet, value in filters.items():
        if value:
            match[fields[facet]] = normalise(value) if facet == "city" else value
    terms = words(q)
    if terms:
        match["prefixes"] = {"$all": terms}
    page_filter = match if cursor is None else {**match, "$or": [
        {"name_key": {"$gt": cursor[0]}}, {"name_key": cursor[0], "_id": {"$gt": cursor[1]}}]}
    items = list(collection.find(page_filter, {"prefixes": 0}).sort([("name_key", 1), ("_id", 1)]).limit(limit + 1))
    total = collection.count_documents(match)
    unwind = {"skill": "$skills", "platform": "$platform_slugs"}
    facets = next(collection.aggregate([{"$match": match}, {"$facet": {
        facet: ([{"$unwind": unwind[facet]}] if facet in unwind else [])
        + [{"$group": {"_id": unwind.get(facet, f"${facet}"), "n": {"$sum": 1}}}, {"$sort": {"n": -1}},
           {"$limit": TOP_VALUES}] for facet in FACETS}}]))
    more = len(items) > limit
    return {"items": items[:limit], "total": total, "facets": facets,
            "next_cursor": (items[limit - 1]["name_key"], items[limit - 1]["_id"]) if more else None}


def run_collection(database, size: int, query_count: int) -> dict:
    collection = collection_candidate(database, size)
    rng = random.Random(size + 1)
    latencies = []
    for n, params in enumerate(queries(rng, query_count), 1):
        t = time.perf_counter()
        first = collection_search(collection, limit=20, **params)
        if first["next_cursor"]:
            collection_search(collection, limit=20, cursor=first["next_cursor"], **params)
        latencies.append((time.perf_counter() - t) * 1000)
        sys.stderr.write(f"\r  collection {size:,}: {n}/{query_count} searches")
    sys.stderr.write("\n")
    return {"candidate": "collection", "listings": size, **summary(latencies)}


# -- a web process's start ----------------------------------------------------------------------
def listings_database(client, size: int):
    """The database whose `listings` hold `size` synthetic listings as the worker stores them (a directory
    instance started with MONGODB_DATABASE=<its name> serves them: bench/search_wrk.py)."""
    from eventkit.indexes import ensure_indexes

    database = client[f"{DATABASE}_{size}"]
    seeded(database, "listings", size, stored)
    ensure_indexes(database, INDEXES)
    return database


def run_ready(database, size: int) -> dict:
    from directory.entrypoints.search_feed import SearchFeed

    repository = ListingRepository(listings_database(database.client, size))
    feed = SearchFeed(TOPIC, lambda: repository, lambda: None)
    started = time.perf_counter()
    loaded = feed.load(repository, [0, 1, 2])
    return {"candidate": "memory", "listings": loaded, "ready_seconds": round(time.perf_counter() - started, 2),
            **{f"{step}_seconds": seconds for step, seconds in feed.load_seconds.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--only", default="memory,collection,ready")
    args = parser.parse_args()
    steps = args.only.split(",")
    database = None
    if {"collection", "ready"} & set(steps):
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from eventkit.mongo import get_database
        from support.local_stack import mongodb_uri
        database = get_database(mongodb_uri(), DATABASE)
    results = []
    for size in args.listings:
        if "memory" in steps:
            results.append(run_memory(size, args.queries))
            say(f"{size:>8,} memory:     load {results[-1]['load_seconds']} s, p50 {results[-1]['p50_ms']} ms, "
                f"p99 {results[-1]['p99_ms']} ms")
        if "collection" in steps:
            results.append(run_collection(database, size, args.queries))
            say(f"{size:>8,} collection: p50 {results[-1]['p50_ms']} ms, p99 {results[-1]['p99_ms']} ms")
        if "ready" in steps:
            results.append(run_ready(database, size))
            say(f"{size:>8,} ready:      {results[-1]['ready_seconds']} s (positions, projected scan, bulk load)")
    out = Path("reports")
    out.mkdir(exist_ok=True)
    (out / "directory_search.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
