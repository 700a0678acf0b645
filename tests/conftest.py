"""Real servers for the integration and e2e suites.

Servers are found in this order:
1. named in the environment: KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI (SMTP_HOST/SMTP_PORT optional);
2. containers through testcontainers, when a Docker engine answers;
3. the local stack (deploy/local/up.sh), started if it is not running.
The e2e suite needs the running services as well, so it always uses the local stack
unless REGISTRY_URL_<SERVICE> variables point elsewhere.
"""
import dataclasses
import os
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest

from eventkit.kafka import ensure_topics
from eventkit.mongo import close_clients, get_client
from support import local_stack

ROOT = local_stack.ROOT
VENV_BIN = local_stack.LOCAL / "venv" / "bin"
SERVICE_PORTS = {"intake": 8001, "verification": 8002, "notification": 8003, "directory": 8004, "payments": 8005}


@dataclasses.dataclass(frozen=True)
class Servers:
    kafka: str
    mongodb_uri: str
    smtp_host: str
    smtp_port: int
    origin: str


def _docker_answers() -> bool:
    if not (os.environ.get("DOCKER_HOST") or Path("/var/run/docker.sock").exists()):
        return False
    try:
        import docker

        client = docker.from_env()
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - no engine, or no permission: fall back to the local stack
        return False


def start_local_stack() -> None:
    subprocess.run(["bash", str(ROOT / "deploy" / "local" / "up.sh")], check=True, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def servers():
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("MONGODB_URI"):
        yield Servers(os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["MONGODB_URI"],
                      os.environ.get("SMTP_HOST", "127.0.0.1"), int(os.environ.get("SMTP_PORT", 1025)), "environment")
    elif _docker_answers():
        from testcontainers.community.kafka import KafkaContainer
        from testcontainers.community.mongodb import MongoDbContainer

        with KafkaContainer("apache/kafka:4.3.0") as kafka, MongoDbContainer("mongo:7.0.14") as mongo:
            yield Servers(kafka.get_bootstrap_server(), mongo.get_connection_url(), "127.0.0.1", 1025, "testcontainers")
    else:
        start_local_stack()
        yield Servers("127.0.0.1:9092", local_stack.mongodb_uri(), "127.0.0.1", 1025, "local stack")
    close_clients()


@pytest.fixture
def database(servers):
    """A database of its own for one test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:10]}"
    client = get_client(servers.mongodb_uri)
    yield client[name]
    client.drop_database(name)


@pytest.fixture
def new_topic(servers):
    """Makes topics of their own for one test: new_topic() -> name."""
    def make(partitions: int = 3) -> str:
        name = f"test.{uuid.uuid4().hex[:10]}"
        ensure_topics(servers.kafka, [name], partitions=partitions)
        return name
    return make


@dataclasses.dataclass(frozen=True)
class Stack:
    """The running system: service URLs, its servers, and its process supervisor."""
    urls: dict
    servers: Servers

    def url(self, service: str, path: str = "") -> str:
        return self.urls[service] + path

    def supervisorctl(self, *args: str) -> str:
        """Run supervisorctl on the local stack, e.g. supervisorctl("stop", "verification:verification-worker")."""
        return local_stack.supervisorctl(*args)


@pytest.fixture(scope="session")
def stack(servers):
    urls = {name: os.environ.get(f"REGISTRY_URL_{name.upper()}", f"http://127.0.0.1:{port}")
            for name, port in SERVICE_PORTS.items()}
    if not all(_ready(u) for u in urls.values()):
        start_local_stack()
    return Stack(urls, servers)


@pytest.fixture(scope="session")
def bank(stack):
    """The bank the session's applicants pay their fee through (support.payments.Bank): `bank.pay_for(id)`
    pays whenever the voucher is issued, `bank.pay_and_wait(id)` also waits for payments' answer."""
    from support.payments import Bank

    with Bank(stack.url("payments"), uri=stack.servers.mongodb_uri) as paying:
        yield paying


def _ready(url: str) -> bool:
    try:
        return httpx.get(url + "/readyz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_for(condition, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture
def wait_for():
    """wait_for(condition, timeout=30, message=...): poll until truthy, else fail the test."""
    return _wait_for
