"""The load generator: asyncio + httpx, closed loop (N clients, each sending its next request as
soon as the last one answers) or open loop (requests started at a fixed rate, whatever the
answers do). Each client speaks from a loopback address of its own (127.x.y.z), as distinct
users would: intake and the directory limit requests per client address."""
import asyncio
import dataclasses
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx

from support.intake import loopback_address


@dataclasses.dataclass(frozen=True)
class Sample:
    at: float        # seconds since the run started
    seconds: float   # latency
    status: int      # HTTP status, or 0 for a transport error


@dataclasses.dataclass
class Summary:
    requests: int
    ok: int
    seconds: float
    per_second: float      # successful requests per second
    p50_ms: float
    p99_ms: float
    errors: dict

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))] if ordered else float("nan")


def summarise(samples: list[Sample], seconds: float, ok=lambda status: 200 <= status < 300) -> Summary:
    good = [s.seconds * 1000 for s in samples if ok(s.status)]
    errors: dict = {}
    for s in samples:
        if not ok(s.status):
            errors[str(s.status)] = errors.get(str(s.status), 0) + 1
    return Summary(requests=len(samples), ok=len(good), seconds=round(seconds, 2),
                   per_second=round(len(good) / seconds, 1) if seconds else 0.0,
                   p50_ms=round(statistics.median(good), 1) if good else float("nan"),
                   p99_ms=round(percentile(good, 0.99), 1), errors=errors)


def new_client(base_url: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=loopback_address())
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=30)


Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def closed_loop(base_url: str, request: Request, clients: int, seconds: float,
                      requests_per_address: int = 25) -> tuple[list[Sample], float]:
    """`clients` clients send `request` back to back for `seconds`; each moves to a new source
    address after `requests_per_address` requests (below intake's per-address hourly limit)."""
    samples: list[Sample] = []
    start = time.perf_counter()
    deadline = start + seconds

    async def one_client():
        sent = 0
        client = new_client(base_url)
        try:
            while time.perf_counter() < deadline:
                if sent and sent % requests_per_address == 0:
                    await client.aclose()
                    client = new_client(base_url)
                t = time.perf_counter()
                try:
                    status = (await request(client)).status_code
                except httpx.HTTPError:
                    status = 0
                samples.append(Sample(t - start, time.perf_counter() - t, status))
                sent += 1
        finally:
            await client.aclose()

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return samples, time.perf_counter() - start


async def open_loop(rate: float, seconds: float, task: Callable[[int], Awaitable[object]]) -> list:
    """Start task(n) every 1/rate seconds for `seconds`, then wait for all of them; their results."""
    started, tasks = time.perf_counter(), []
    n = 0
    while time.perf_counter() - started < seconds:
        tasks.append(asyncio.create_task(task(n)))
        n += 1
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
    return await asyncio.gather(*tasks)
