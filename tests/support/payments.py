"""Paying fee vouchers as a bank does, for tests and the bench: through payments' aggregator API with the
bank sandbox's key (never by writing to a database), the voucher numbers read from `payments.events`.

A `Bank` pays, from a background thread, every voucher issued for the applications it is told to pay:
the tests' applicants (the session's `bank` fixture), the drills' steady stream and the bench's
pipeline, where a clean application is registered only once its fee is paid."""
import concurrent.futures
import datetime as dt
import os
import threading
import time
import uuid

import httpx

from eventkit.envelope import decode
from eventkit.kafka import make_consumer
from eventkit.topics import PAYMENTS_EVENTS
from support.intake import secrets_env
from support.kafka import assign_from

PAYMENTS_URL = f"http://127.0.0.1:{os.environ.get('PAYMENTS_PORT', 8005)}"
# refusals that no retry changes: the voucher was paid, expired or cancelled (a withdrawal), or never existed
FINAL_REFUSALS = {"voucher_paid", "voucher_expired", "voucher_cancelled", "unknown_voucher", "wrong_amount"}


def sandbox_key() -> str:
    return secrets_env()["SANDBOX_AGGREGATOR_KEY"]


def pay(client: httpx.Client, voucher: dict, transaction_id: str) -> httpx.Response:
    """Report the voucher paid in full, now, under `transaction_id` (a repeat answers as the first did)."""
    return client.post("/api/v1/aggregator/payment", json={
        "voucher_number": voucher["voucher_number"], "amount": voucher["amount"],
        "paid_at": dt.datetime.now(dt.timezone.utc).isoformat(), "transaction_id": transaction_id})


def aggregator_client(key: str | None = None, url: str = PAYMENTS_URL) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key or sandbox_key()}"}, timeout=15)


class Bank:
    """Pays, from a background thread, the voucher of every application passed to `pay_for`, whenever
    payments issues it (before or after the call), retrying through outages until payments answers.

    Each voucher is paid under the transaction id `T-<voucher number>`, so a retry after a lost answer
    is the same transaction and never a second payment."""

    def __init__(self, kafka: str, since_ms: int, payments_url: str = PAYMENTS_URL, threads: int = 4):
        self.kafka, self.since_ms, self.payments_url = kafka, since_ms, payments_url
        self.paid: dict[str, str] = {}  # application id -> the outcome ("accepted" or a refusal's code)
        self._wanted: set[str] = set()
        self._issued: dict[str, dict] = {}  # application id -> its voucher
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="bank-pay")
        self._local = threading.local()
        self._key = sandbox_key()
        self._thread = threading.Thread(target=self._run, name="bank", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def pay_for(self, application_id: str) -> None:
        with self._lock:
            self._wanted.add(application_id)
            voucher = self._issued.get(application_id)
        if voucher is not None:
            self._pay_later(application_id, voucher)

    def pay_and_wait(self, application_id: str, timeout: float = 60) -> dict:
        """Pay the application's voucher (once issued) and wait until payments accepted it; returns the voucher."""
        self.pay_for(application_id)
        deadline = time.monotonic() + timeout
        while self.paid.get(application_id) in (None, "paying"):
            assert time.monotonic() < deadline, f"the fee of {application_id} not paid within {timeout}s"
            time.sleep(0.1)
        assert self.paid[application_id] == "accepted", (application_id, self.paid[application_id])
        with self._lock:
            return self._issued[application_id]

    def _run(self) -> None:
        consumer = make_consumer(self.kafka, None, f"test-bank-{uuid.uuid4().hex[:8]}")
        assign_from(consumer, PAYMENTS_EVENTS, self.since_ms)
        try:
            while not self._stop.is_set():
                for records in consumer.poll(timeout_ms=200).values():
                    for record in records:
                        if dict(record.headers).get("event_type") == b"VoucherIssued":
                            self._issue(decode(record.value)["payload"])
        finally:
            consumer.close(autocommit=False)

    def _issue(self, voucher: dict) -> None:
        application_id = voucher["application_id"]
        with self._lock:
            first = application_id not in self._issued
            self._issued.setdefault(application_id, voucher)
            wanted = application_id in self._wanted
        if first and wanted:
            self._pay_later(application_id, voucher)

    def _pay_later(self, application_id: str, voucher: dict) -> None:
        with self._lock:
            if application_id in self.paid:
                return
            self.paid[application_id] = "paying"
        self._pool.submit(self._pay_until_answered, application_id, voucher)

    def _pay_until_answered(self, application_id: str, voucher: dict) -> None:
        if not hasattr(self._local, "client"):
            self._local.client = aggregator_client(self._key, self.payments_url)
        delay = 0.5
        while not self._stop.is_set():
            try:
                response = pay(self._local.client, voucher, f"T-{voucher['voucher_number']}")
            except httpx.HTTPError:
                response = None
            if response is not None and response.status_code == 200:
                self.paid[application_id] = "accepted"
                return
            if response is not None and response.status_code in (404, 409):
                code = response.json().get("code")
                if code in FINAL_REFUSALS:
                    self.paid[application_id] = code
                    return
            time.sleep(delay)  # payments is down or restarting: the bank tries again, as a real one would
            delay = min(delay * 2, 5.0)
