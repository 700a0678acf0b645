"""Registration numbers drawn by several workers at once, on the real server: each number once, none skipped.

The year's counter does not exist when the threads start, so their first draws race to create it:
the case DocumentDB gets wrong for a bare `{"_id": …}` upsert (documentdb#295), which would hand two
approvals the same number. RegistrationNumbers goes through eventkit.upserts.upsert_by_id."""
import threading

import pytest

from verification.adapters.numbers import RegistrationNumbers

THREADS, DRAWS = 8, 25


@pytest.mark.parametrize("year", [2031, 2032])
def test_concurrent_draws_get_distinct_gap_free_numbers(database, year):
    numbers = RegistrationNumbers(database)
    start = threading.Barrier(THREADS)
    drawn: list[list[int]] = [[] for _ in range(THREADS)]

    def draw(mine: list[int]) -> None:
        start.wait()
        for _ in range(DRAWS):
            mine.append(numbers.next(year))

    threads = [threading.Thread(target=draw, args=(drawn[i],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    everything = sorted(n for mine in drawn for n in mine)
    assert everything == list(range(1, THREADS * DRAWS + 1))
    assert all(mine == sorted(mine) for mine in drawn)  # each worker's numbers rise
    assert numbers.next(year + 100) == 1  # each year its own sequence


def test_blocks_drawn_concurrently_do_not_overlap(database):
    numbers = RegistrationNumbers(database)
    start = threading.Barrier(THREADS)
    blocks: list[list[int]] = [[] for _ in range(THREADS)]

    def draw(mine: list[int], size: int) -> None:
        start.wait()
        for _ in range(10):
            first = numbers.next_block(2033, size)
            mine.extend(range(first, first + size))

    threads = [threading.Thread(target=draw, args=(blocks[i], i + 1)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    everything = sorted(n for mine in blocks for n in mine)
    assert everything == list(range(1, 10 * sum(range(1, THREADS + 1)) + 1))
