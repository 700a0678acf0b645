"""Payments' scheduler as the process `make up` runs: it expires a voucher left unpaid past its due date
(with VoucherExpired in the voucher's outbox) and leaves one still payable, sweep after sweep, and
stops cleanly on SIGTERM."""
import datetime as dt
import os
import signal
import subprocess
import sys
import time

from eventkit.indexes import ensure_indexes
from payments.adapters.indexes import INDEXES
from payments.adapters.vouchers import VoucherRepository
from payments.domain import events
from payments.domain import vouchers as rules

NOW = dt.datetime.now(dt.timezone.utc)


def add_voucher(repository: VoucherRepository, number: str, application_id: str, issued_days_ago: int) -> None:
    voucher = rules.new_voucher(number, application_id, rules.REGISTRATION, "Ayesha Khan", 1000,
                                NOW - dt.timedelta(days=issued_days_ago), 14)
    repository.add(voucher, [events.voucher_issued(voucher)])


def test_the_scheduler_process_expires_what_is_due_and_stops_on_sigterm(servers, database):
    ensure_indexes(database, INDEXES)
    repository = VoucherRepository(database)
    add_voucher(repository, "7711000000000013", "overdue", issued_days_ago=15)  # due yesterday
    add_voucher(repository, "7711000000000021", "payable", issued_days_ago=14)  # due today: still payable
    env = {**os.environ, "MONGODB_URI": servers.mongodb_uri, "MONGODB_DATABASE": database.name,
           "KAFKA_BOOTSTRAP_SERVERS": servers.kafka, "VOUCHER_SWEEP_SECONDS": "0.5"}
    scheduler = subprocess.Popen([sys.executable, "-m", "payments.entrypoints.scheduler"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while repository.get("7711000000000013").status != rules.EXPIRED and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.5)  # a few more sweeps: nothing else moves, nothing moves twice
    finally:
        scheduler.send_signal(signal.SIGTERM)
        output, _ = scheduler.communicate(timeout=30)
    assert repository.get("7711000000000013").status == rules.EXPIRED, output
    assert repository.get("7711000000000021").status == rules.UNPAID
    outbox = database["vouchers"].find_one({"_id": "7711000000000013"})["outbox"]
    assert [e["event"]["event_type"] for e in outbox] == ["VoucherIssued", "VoucherExpired"]
    assert scheduler.returncode == 0 and "payments scheduler stopped" in output
