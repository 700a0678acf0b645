"""Checks behind /readyz: can this process reach its database and Kafka right now?

The Kafka admin client is built on the first check in each process (after gunicorn's
fork) and rebuilt after a failure.
"""
import os
import threading

from eventkit.kafka import make_admin
from eventkit.mongo import get_client

_admins: dict[int, object] = {}
_lock = threading.Lock()


def check_mongodb(uri: str) -> None:
    get_client(uri).admin.command("ping")


def check_kafka(bootstrap_servers: str) -> None:
    pid = os.getpid()
    with _lock:
        admin = _admins.get(pid)
        try:
            if admin is None:
                admin = _admins[pid] = make_admin(bootstrap_servers, f"readiness-{pid}", timeout_ms=2000)
            admin.describe_cluster()
        except Exception:
            _admins.pop(pid, None)
            if admin is not None:
                admin.close()
            raise
