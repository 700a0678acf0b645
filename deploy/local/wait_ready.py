"""Waits until every part of the local stack answers, printing progress; exits 1 on timeout.

    python deploy/local/wait_ready.py [--timeout 300]

Kafka must answer as a 4.x broker, the MongoDB-protocol server must answer `hello` and, logged in, `listDatabases`, the
SMTP server must greet, the bank sandbox's page must answer, and each service's /readyz must say ready.
"""
import argparse
import os
import smtplib
import sys
import time

import httpx
from kafka import KafkaAdminClient
from pymongo import MongoClient

SERVICES = {name: int(os.environ.get(f"{name.upper()}_PORT", port))
            for name, port in (("intake", 8001), ("verification", 8002), ("notification", 8003), ("directory", 8004),
                                          ("payments", 8005))}


def kafka_ok() -> str:
    admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{os.environ.get('KAFKA_PORT', 9092)}",
                             request_timeout_ms=3000, bootstrap_timeout_ms=3000)
    try:
        broker_id = admin.describe_cluster()["brokers"][0]["broker_id"]
        version = admin.get_broker_version_data(broker_id).broker_version  # from its ApiVersions answer
        if version[0] < 4:
            raise RuntimeError(f"broker answers as {version}, expected 4.x")
        return "Kafka " + ".".join(map(str, version))
    finally:
        admin.close()


def mongodb_ok() -> str:
    uri = os.environ.get("MONGODB_URI", f"mongodb://127.0.0.1:{os.environ.get('MONGODB_PORT', 27017)}")
    with MongoClient(uri, serverSelectionTimeoutMS=2000) as client:
        hello = client.admin.command("hello")
        client.admin.command("listDatabases", nameOnly=True)  # authenticated, and the engine behind answers
        return f"MongoDB protocol, wire version {hello['maxWireVersion']}"


def smtp_ok() -> str:
    with smtplib.SMTP("127.0.0.1", int(os.environ.get("SMTP_PORT", 1025)), timeout=3) as smtp:
        code, _ = smtp.noop()
        return f"SMTP {code}"


def service_ok(port: int):
    def check() -> str:
        response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        if response.status_code != 200:
            raise RuntimeError(response.json().get("checks"))
        return "ready"
    return check


def sandbox_ok() -> str:
    httpx.get(f"http://127.0.0.1:{os.environ.get('BANK_SANDBOX_PORT', 8010)}/healthz", timeout=5).raise_for_status()
    return "bank sandbox page"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    checks = {"kafka": kafka_ok, "mongodb": mongodb_ok, "smtp": smtp_ok, "bank-sandbox": sandbox_ok,
              **{name: service_ok(port) for name, port in SERVICES.items()}}
    deadline = time.monotonic() + args.timeout
    waiting = dict(checks)
    last_error = {}
    started = time.monotonic()
    while waiting:
        for name, check in list(waiting.items()):
            try:
                detail = check()
            except Exception as exc:  # noqa: BLE001 - not up yet
                last_error[name] = f"{type(exc).__name__}: {exc}"
                continue
            print(f"  [{time.monotonic() - started:5.1f}s] {name:<13} {detail}", flush=True)
            del waiting[name]
        if waiting and time.monotonic() > deadline:
            print("Timed out waiting for: " + ", ".join(waiting), file=sys.stderr)
            for name in waiting:
                print(f"  {name}: {last_error.get(name)}", file=sys.stderr)
            print("Logs: .local/logs/ (make logs)", file=sys.stderr)
            return 1
        if waiting:
            time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
