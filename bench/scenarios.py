"""The measurements `make bench` takes of the running stack (see bench/run.py for the order)."""
import asyncio
import math
import time
import uuid
from pathlib import Path

import httpx

from bench import processes
from bench.idle import wait_outbox_drained
from bench.load import new_client, open_loop, percentile
from bench.search_wrk import search_over_http
from bench.seed_directory import seed, topic_for
from eventkit.mongo import get_database
from support.directory import latin_word
from support.intake import valid_application
from support.local_stack import mongodb_uri, supervisorctl
from support.payments import Bank

INTAKE = "http://127.0.0.1:8001"
DIRECTORY = "http://127.0.0.1:8004"
PAYMENTS = "http://127.0.0.1:8005"
KAFKA = "127.0.0.1:9092"
MONGODB = mongodb_uri()  # the local stack's DocumentDB, with its generated login


def clean_application(name: str) -> dict:
    """An application the automated checks approve (the same applicants the tests use), with a mobile
    number and an email address no other applicant has (support.intake.unique_mobile: a random one met
    one of the stack's earlier applicants now and then, was flagged for sharing it, and the pipeline
    step waited for a listing that never came)."""
    return valid_application(full_name=name, email=f"bench.{uuid.uuid4().hex}@example.pk")


async def submit(client: httpx.AsyncClient, name: str) -> httpx.Response:
    return await client.post("/api/v1/applications", json=clean_application(name))


def paying_bank() -> Bank:
    """A bank that pays each voucher the moment payments issues it (8 payments in flight)."""
    return Bank(PAYMENTS, threads=8, uri=MONGODB)


def submit_to_searchable(rate: float, seconds: float, poll_seconds: float = 0.05) -> dict:
    """At a steady offered load, the time from submitting a clean application until the public
    directory's search finds it, its fee paid the moment the voucher is issued (intake → Kafka →
    verification, approved in principle → Kafka → payments, a voucher → the bank's payment → Kafka →
    verification, registered → Kafka → directory index).

    The applications of each second share a word in their names, and one watcher searches for
    the words of the seconds still waiting, every `poll_seconds`: a handful of searches however
    many applications are in flight. (A poll per application would multiply the searches by
    the latency and drown the directory it measures once a backlog forms.)"""
    per_group = max(1, int(rate))
    group_words: dict[int, str] = {}
    submitted: dict[str, float] = {}  # surname -> when its POST started
    found: dict[str, float] = {}  # surname -> when the search first showed it
    waiting: dict[int, set[str]] = {}  # group -> surnames submitted and not found yet

    async def journey(n: int):
        group = n // per_group
        word = group_words.setdefault(group, latin_word())
        surname = latin_word()
        started = time.perf_counter()
        response = await submit(clients[n % len(clients)], f"Bench {word} {surname}")
        if response.status_code != 202:
            return None
        bank.pay_for(response.json()["application_id"])
        submitted[surname] = started
        waiting.setdefault(group, set()).add(surname)
        return surname

    async def watch(done: asyncio.Event):
        async with httpx.AsyncClient(base_url=DIRECTORY, timeout=30) as client:
            while not done.is_set() or any(waiting.values()):
                for group, surnames in list(waiting.items()):
                    if not surnames:
                        continue
                    response = await client.get("/api/v1/freelancers", params={"q": group_words[group], "limit": 50})
                    if response.status_code != 200:
                        continue
                    now = time.perf_counter()
                    for item in response.json()["items"]:
                        surname = item["full_name"].split()[-1]
                        if surname in surnames:
                            surnames.discard(surname)
                            found[surname] = now
                if done.is_set() and time.perf_counter() - last_submit[0] > 120:
                    break  # what is not found two minutes after the last submission never will be
                await asyncio.sleep(poll_seconds)

    last_submit = [time.perf_counter()]

    # Clients made before the clock starts (making one costs ~60 ms of CPU on a busy machine,
    # more than the 50 ms between submissions at 20/s), each from a loopback address of its own
    # and used for at most 25 submissions, within intake's per-address hourly limit.
    clients = [new_client(INTAKE) for _ in range(max(1, math.ceil(rate * seconds / 25)))]

    async def run():
        done = asyncio.Event()
        watcher = asyncio.create_task(watch(done))
        try:
            results = await open_loop(rate, seconds, journey)
            last_submit[0] = time.perf_counter()
            done.set()
            await watcher
        finally:
            for client in clients:
                await client.aclose()
        return results

    with paying_bank() as bank:
        results = asyncio.run(run())
    surnames = [r for r in results if r is not None]
    latencies = [(found[s] - submitted[s]) * 1000 if s in found else float("inf") for s in surnames]
    return {"offered_per_second": rate, "seconds": seconds, "applications": len(latencies),
            "refused": len(results) - len(surnames),
            "never_found": sum(1 for x in latencies if x == float("inf")),
            "p50_ms": round(percentile(latencies, 0.5), 1), "p99_ms": round(percentile(latencies, 0.99), 1),
            "latencies_ms": [round(x, 1) for x in latencies]}


def pipeline(workers: int, applications: int, reports: Path) -> dict:
    """Sustained pipeline throughput with `workers` verification workers: a backlog of clean
    applications is queued while verification is stopped, then the workers start, a bank pays each
    voucher as payments issues it, and the directory's search is watched until every one of them is
    listed (each application passes verification twice: approved in principle, then registered once
    paid). The first worker runs in the supervised worker's slot under cProfile (the profile of the
    slowest stage)."""
    batch = latin_word()
    supervisorctl("stop", "verification:verification-worker")
    started_workers = []
    bank = paying_bank().__enter__()
    try:
        async def queue_all():
            semaphore = asyncio.Semaphore(8)
            clients = [new_client(INTAKE) for _ in range(max(1, applications // 20))]

            async def one(n):
                async with semaphore:
                    response = await submit(clients[n % len(clients)], f"{latin_word()} {batch}")
                    if response.status_code == 202:
                        bank.pay_for(response.json()["application_id"])
                    return response.status_code
            statuses = await asyncio.gather(*(one(n) for n in range(applications)))
            for c in clients:
                await c.aclose()
            return statuses
        queue_started = time.monotonic()
        statuses = asyncio.run(queue_all())
        queued = statuses.count(202)
        # every ApplicationSubmitted is on Kafka before the clock starts: this measures the pipeline after intake
        relayed_s = time.monotonic() - queue_started + wait_outbox_drained(MONGODB, "intake", "applications")
        started = time.monotonic()
        started_workers.append(processes.start_worker(
            "verification", "bench-verification-worker-1", profile_to=reports / f"verification-worker-{workers}.prof",
            SUPERVISOR_PROCESS_NAME="verification-worker"))
        for n in range(2, workers + 1):
            started_workers.append(processes.start_worker("verification", f"bench-verification-worker-{n}"))
        series = _watch_listed(batch, queued, started)
    finally:
        bank.stop()
        for worker in started_workers:
            processes.stop_worker(worker)
        supervisorctl("start", "verification:verification-worker")
    t10 = next(t for t, n in series if n >= 0.1 * queued)
    t90 = next(t for t, n in series if n >= 0.9 * queued)
    return {"workers": workers, "applications": queued, "queued_and_relayed_s": round(relayed_s, 1),
            "first_listed_s": round(series[0][0], 1) if series else None,
            "all_listed_s": round(series[-1][0], 1), "per_second": round(0.8 * queued / max(t90 - t10, 1e-6), 1),
            "series": [(round(t, 2), n) for t, n in series]}


def _watch_listed(batch: str, expected: int, started: float, timeout: float = 900) -> list[tuple[float, int]]:
    series: list[tuple[float, int]] = []
    with httpx.Client(base_url=DIRECTORY, timeout=30) as client:
        while time.monotonic() - started < timeout:
            response = client.get("/api/v1/freelancers", params={"q": batch, "limit": 1})
            total = response.json()["total"] if response.status_code == 200 else 0
            if total and (not series or total != series[-1][1]):
                series.append((time.monotonic() - started, total))
            if total >= expected:
                return series
            time.sleep(0.25)
    raise TimeoutError(f"only {series[-1][1] if series else 0} of {expected} listed after {timeout}s")


def project_listings(topic: str, database: str, listings: int) -> float:
    """Build the bench directory's `listings` collection from the seeded topic with the operator's
    real rebuild (the worker's projection rules, in batches); skipped when it already holds them.
    Returns the seconds it took."""
    collection = get_database(MONGODB, database)["listings"]
    if collection.count_documents({}) >= listings:
        return 0.0
    started = time.monotonic()
    processes.run_cli("directory", "rebuild", DECISIONS_TOPIC=topic, MONGODB_DATABASE=database)
    return time.monotonic() - started


def directory_search(listings: int, seconds: float, clients: int, port: int) -> dict:
    """Search over HTTP against a directory instance (same app, same gunicorn settings) whose
    listings hold `listings` seeded freelancers. Its web processes load their index from the
    listings collection at start (the time to ready is measured) and then follow the seeded topic.
    wrk sends the search mix (bench/search_wrk.py), so the load generator does not starve the server."""
    topic = topic_for(listings)
    database = f"directory_bench_{listings}"
    seeded_at = time.monotonic()
    seed(KAFKA, listings, topic)
    seed_seconds = time.monotonic() - seeded_at
    projected_seconds = project_listings(topic, database, listings)
    server = processes.Gunicorn("directory.entrypoints.app:create_app()", port, f"bench-directory-{listings}",
                                DECISIONS_TOPIC=topic, MONGODB_DATABASE=database, WEB_PRELOAD="1")
    try:
        index_seconds = server.wait_ready("/readyz", consecutive=8)
        measured = search_over_http(server.url, seconds, clients)
        stats = httpx.get(server.url + "/api/v1/stats").json()
    finally:
        server.stop()
    return {"listings": listings, "listed_in_index": stats.get("listed"), "seed_seconds": round(seed_seconds, 1),
            "projected_seconds": round(projected_seconds, 1),
            "index_ready_seconds": round(index_seconds, 1), "clients": clients, **measured}
