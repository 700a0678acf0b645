"""The search index loaded in gunicorn's master before it forks (WEB_PRELOAD=1, entrypoints/search_feed.py):
the load happens once, leaves no database client open in the loading process (none may cross the fork),
and, when the topic cannot be read, gives way to each worker loading its own.

That the forked workers then follow the topic is what the running stack's directory does (it runs with
WEB_PRELOAD=1): every end-to-end search test goes through it."""
import os
import uuid

import pytest

from directory.adapters.decision_log import DecisionLog
from directory.adapters.listings import ListingRepository
from directory.domain.listing import listing_from_approval
from directory.entrypoints.search_feed import SearchFeed
from eventkit import mongo

LISTINGS = 25


def approval(n: int) -> dict:
    return {"event_type": "ApplicationApproved", "occurred_at": f"2026-01-01T00:00:{n:02d}+00:00", "key": f"app-{n}",
            "payload": {"registration_number": f"PSEB-2026-{n:06d}-A", "valid_until": "2099-01-01", "listed": True,
                        "profile": {"full_name": f"Preloaded Person {n}", "city": "Lahore", "province": "Punjab",
                                    "skills": ["python"], "platforms": [], "headline": "Developer"}}}


@pytest.fixture
def database(servers):
    """A database of its own (the shared one's client is closed by the load, as in gunicorn's master)."""
    name = f"test_{uuid.uuid4().hex[:10]}"
    yield mongo.get_database(servers.mongodb_uri, name)
    mongo.get_client(servers.mongodb_uri).drop_database(name)  # a new client: the load closed the first


def feed_over(servers, database, topic: str) -> SearchFeed:
    uri, name = servers.mongodb_uri, database.name
    return SearchFeed(topic, lambda: ListingRepository(mongo.get_database(uri, name)),
                      lambda: DecisionLog(servers.kafka, topic, "test-preload"))


def open_clients_of_this_process() -> list:
    return [key for key in mongo._clients if key[0] == os.getpid()]


def test_the_index_is_loaded_once_before_the_fork_and_no_client_is_left_open(servers, database, new_topic):
    ListingRepository(database).store_all_unless_newer([listing_from_approval(approval(n)) for n in range(LISTINGS)])
    feed = feed_over(servers, database, new_topic())
    assert feed.load_before_fork(wait_seconds=30)
    assert feed.loaded and len(feed.states) == LISTINGS and len(feed.index) == LISTINGS
    assert open_clients_of_this_process() == []  # a client made in the master would cross the fork
    assert not feed.caught_up.is_set()  # ready only once a worker's thread has read the topic from there


@pytest.mark.parametrize("forked_after, loads_again", [(0, False), (SearchFeed.PRELOAD_FRESH_SECONDS + 1, True)])
def test_a_worker_follows_a_fresh_preload_and_loads_for_itself_after_a_stale_one(servers, database, new_topic,
                                                                                forked_after, loads_again):
    ListingRepository(database).store_all_unless_newer([listing_from_approval(approval(n)) for n in range(LISTINGS)])
    feed = feed_over(servers, database, new_topic())
    assert feed.load_before_fork(wait_seconds=30)
    feed.preloaded_at -= forked_after  # gunicorn forking the worker now, or replacing one much later
    loads = []
    real_load = feed.load
    feed.load = lambda *args: loads.append(args) or real_load(*args)
    feed.start()
    assert feed.caught_up.wait(60), "the worker's feed never caught up"
    assert bool(loads) is loads_again and len(feed.index) == LISTINGS


def test_when_the_topic_cannot_be_read_each_worker_loads_its_own(servers, database):
    feed = feed_over(servers, database, f"absent.{uuid.uuid4().hex[:10]}")  # brokers create no topic on request
    assert not feed.load_before_fork(wait_seconds=2)
    assert not feed.loaded and len(feed.index) == 0
    assert open_clients_of_this_process() == []
