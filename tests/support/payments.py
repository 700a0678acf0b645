"""Paying fee vouchers as a bank does, for tests and the bench: through payments' aggregator API with the
bank sandbox's key (never by writing to a database).

A `Bank` pays, from a background thread, the voucher of each application it is told to pay: the tests'
applicants (the session's `bank` fixture), the drills' steady stream and the bench's pipeline, where a
clean application is registered only once its fee is paid. It learns the voucher numbers as an
applicant does, once payments has issued them; it reads them from payments' `vouchers` collection (by
the application index), since a long-lived Kafka consumer in the test process outlived the drills'
broker restarts badly (kafka-python left a socket unclosed, which the test run counts as an error)."""
import concurrent.futures
import datetime as dt
import os
import threading
import time

import httpx
from pymongo.errors import PyMongoError

from eventkit.mongo import get_database
from support.intake import secrets_env
from support.local_stack import mongodb_uri

PAYMENTS_URL = f"http://127.0.0.1:{os.environ.get('PAYMENTS_PORT', 8005)}"
# refusals that no retry changes: the voucher was paid, expired or cancelled (a withdrawal), or never existed
FINAL_REFUSALS = {"voucher_paid", "voucher_expired", "voucher_cancelled", "unknown_voucher", "wrong_amount"}
LOOK_EVERY_S = 0.2  # how often the bank looks for newly issued vouchers of the applications it pays for
LOOKUP_BATCH = 500  # application ids per query


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
    """Pays the voucher of every application passed to `pay_for`, whenever payments issues it (before or
    after the call), retrying through outages until payments answers.

    Each voucher is paid under the transaction id `T-<voucher number>`, so a retry after a lost answer
    is the same transaction and never a second payment."""

    def __init__(self, payments_url: str = PAYMENTS_URL, threads: int = 4, uri: str | None = None):
        self.payments_url = payments_url
        self.paid: dict[str, str] = {}  # application id -> "paying", then "accepted" or a refusal's code
        self.vouchers: dict[str, dict] = {}  # application id -> its voucher {voucher_number, amount}
        self._waiting: set[str] = set()  # applications whose voucher is not issued yet
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._vouchers = get_database(uri or mongodb_uri(), "payments")["vouchers"]
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="bank-pay")
        self._clients: list[httpx.Client] = []
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
        for client in self._clients:
            client.close()

    def pay_for(self, application_id: str) -> None:
        with self._lock:
            if application_id not in self.paid:
                self._waiting.add(application_id)

    def pay_and_wait(self, application_id: str, timeout: float = 60) -> dict:
        """Pay the application's voucher (once issued) and wait until payments accepted it; returns the voucher."""
        self.pay_for(application_id)
        deadline = time.monotonic() + timeout
        while self.paid.get(application_id) in (None, "paying"):
            assert time.monotonic() < deadline, f"the fee of {application_id} not paid within {timeout}s"
            time.sleep(0.1)
        assert self.paid[application_id] == "accepted", (application_id, self.paid[application_id])
        return self.vouchers[application_id]

    def _run(self) -> None:
        while not self._stop.wait(LOOK_EVERY_S):
            with self._lock:
                waiting = sorted(self._waiting)
            for start in range(0, len(waiting), LOOKUP_BATCH):
                try:
                    issued = list(self._vouchers.find({"application_id": {"$in": waiting[start:start + LOOKUP_BATCH]}},
                                                      {"application_id": 1, "amount": 1}))
                except PyMongoError:
                    break  # the database is down (a drill): look again on the next round
                for voucher in issued:
                    self._pay_later(voucher["application_id"], {"voucher_number": voucher["_id"],
                                                                "amount": voucher["amount"]})

    def _pay_later(self, application_id: str, voucher: dict) -> None:
        with self._lock:
            self._waiting.discard(application_id)
            if application_id in self.paid:
                return
            self.paid[application_id] = "paying"
            self.vouchers[application_id] = voucher
        self._pool.submit(self._pay_until_answered, application_id, voucher)

    def _client(self) -> httpx.Client:
        if not hasattr(self._local, "client"):
            self._local.client = aggregator_client(self._key, self.payments_url)
            with self._lock:
                self._clients.append(self._local.client)
        return self._local.client

    def _pay_until_answered(self, application_id: str, voucher: dict) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                response = pay(self._client(), voucher, f"T-{voucher['voucher_number']}")
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
