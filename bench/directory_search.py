"""Benchmark of the directory's search index at scale (in-process; the HTTP benchmark is `make bench`).

    python bench/directory_search.py [--listings 10000 100000 300000] [--queries 300]

Builds the index from synthetic listings (progress on stderr), then times a mix of
queries — name prefixes, each filter, combinations, facets, next pages — and prints
p50/p99 latency and queries per second for each size. Writes reports/directory_search.json.
"""
import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from directory.domain.search_index import SearchIndex
from domainkit.geography import PROVINCES
from domainkit.platforms import PLATFORMS
from domainkit.skills import SKILLS

FIRST = ["Ayesha", "Bilal", "Fatima", "Hamza", "Sana", "Usman", "Zainab", "Ali", "Mahnoor", "Hassan", "محمد", "عائشہ"]
LAST = ["Khan", "Ahmed", "Malik", "Butt", "Qureshi", "Siddiqui", "Chaudhry", "Shah", "علی", "حسین"]
CITIES = ["Lahore", "Karachi", "Islamabad", "Peshawar", "Quetta", "Multan", "Faisalabad", "Hyderabad", "Gilgit"]
WORDS = ["developer", "designer", "writer", "marketer", "consultant", "analyst", "editor", "expert", "freelancer"]


def synthetic(n: int, rng: random.Random) -> dict:
    skills = rng.sample([s.slug for s in SKILLS], rng.randint(1, 5))
    return {"registration_number": f"PSEB-2026-{n:06d}-A", "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} "
            f"{rng.choice(FIRST)}{n % 997}", "city": rng.choice(CITIES), "province": rng.choice(PROVINCES),
            "skills": skills, "platforms": [{"platform": p, "profile_url": f"https://{p}.com/u{n}"}
                                            for p in rng.sample(PLATFORMS[:-1], rng.randint(1, 3))],
            "headline": f"{rng.choice(WORDS)} {rng.choice(WORDS)}", "listed": True, "revoked": False,
            "valid_until": "2099-01-01"}


def queries(rng: random.Random, count: int) -> list[dict]:
    kinds = [lambda: {"q": rng.choice(FIRST)[:3]}, lambda: {"q": rng.choice(WORDS)[:4]},
             lambda: {"province": rng.choice(PROVINCES)}, lambda: {"skill": rng.choice(SKILLS).slug},
             lambda: {"city": rng.choice(CITIES), "platform": rng.choice(PLATFORMS[:-1])},
             lambda: {"q": rng.choice(LAST), "province": rng.choice(PROVINCES), "skill": rng.choice(SKILLS).slug},
             lambda: {}]
    return [rng.choice(kinds)() for _ in range(count)]


def run(size: int, query_count: int) -> dict:
    rng = random.Random(size)
    index = SearchIndex()
    started = time.perf_counter()
    for n in range(1, size + 1):
        index.put(synthetic(n, rng))
        if n % 10_000 == 0 or n == size:
            sys.stderr.write(f"\r  building {size:,}: {n:,} listings ({n / (time.perf_counter() - started):,.0f}/s)")
    build_seconds = time.perf_counter() - started
    sys.stderr.write("\n")
    latencies = []
    for params in queries(rng, query_count):
        t = time.perf_counter()
        first = index.search(limit=20, **params)
        if first["next_cursor"]:
            index.search(limit=20, cursor=first["next_cursor"], **params)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    return {"listings": size, "build_seconds": round(build_seconds, 1),
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
            "queries_per_second": round(1000 / statistics.mean(latencies), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    results = [run(size, args.queries) for size in args.listings]
    for r in results:
        print(f"{r['listings']:>8,} listings: build {r['build_seconds']} s, search p50 {r['p50_ms']} ms, "
              f"p99 {r['p99_ms']} ms, {r['queries_per_second']} searches/s (one core; each a page and its facets, "
              f"half with a second page)")
    out = Path("reports")
    out.mkdir(exist_ok=True)
    (out / "directory_search.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
