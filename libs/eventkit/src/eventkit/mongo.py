"""One MongoClient per process and URI, built on first use.

Clients are never built at import time: gunicorn forks its workers after importing the
app, and a MongoClient carried across a fork is unsafe (pymongo warns about it). Keying
the cache by process id means a forked child builds its own.
"""
import atexit
import os
import threading

from pymongo import MongoClient
from pymongo.database import Database

_clients: dict[tuple[int, str], MongoClient] = {}
_lock = threading.Lock()


def get_client(uri: str) -> MongoClient:
    key = (os.getpid(), uri)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = MongoClient(uri, serverSelectionTimeoutMS=5000, connectTimeoutMS=3000,
                                 tz_aware=True, appname=f"registry-{os.getpid()}")
            _clients[key] = client
    return client


def get_database(uri: str, name: str) -> Database:
    return get_client(uri)[name]


def close_clients() -> None:
    """Close this process's clients (at exit, and between tests)."""
    with _lock:
        mine = [k for k in _clients if k[0] == os.getpid()]
        for key in mine:
            _clients.pop(key).close()


atexit.register(close_clients)
