"""A delivery log the size a busy stack has: thousands of records shaped as the delivery log writes
them (four per application, mostly sent; some failed, uncertain, retrying, sending or pending; a
few re-sends), for the query-plan checks and the repository's own tests on the real server."""
import base64
import datetime as dt
import os
import random
import uuid

import pytest

from eventkit import outbox
from eventkit.envelope import new_event
from eventkit.indexes import ensure_indexes
from eventkit.mongo import get_client
from notification.adapters.indexes import INDEXES
from notification.adapters.notifications import COLLECTION, DeliveryLog
from notification.domain import deliveries as d

# What a stack holds after `make bench` and the drills, in proportion.
STATUS_WEIGHTS = {d.SENT: 900, d.FAILED: 50, d.UNCERTAIN: 20, d.RETRYING: 20, d.SENDING: 5, d.PENDING: 5}
TEMPLATES = {"ApplicationSubmitted": "receipt", "ApplicationApproved": "approved", "ApplicationFlagged":
             "action_needed", "ApplicationRejected": "rejected"}


def _envelope(event_type: str, application_id: str, at: dt.datetime) -> dict:
    sealed = base64.urlsafe_b64encode(os.urandom(600)).decode()  # the size of a sealed contact
    event = new_event(event_type, application_id, {"application_id": application_id, "sealed": sealed,
                                                   "public": {"full_name": "Ayesha Khan"}, "language": "en"},
                      source="intake")
    return {**event, "occurred_at": at.isoformat()}


def delivery_records(applications: int, now: dt.datetime, rng: random.Random) -> list[dict]:
    """Four deliveries per application (two events × email and SMS) over the last 30 days, with
    about one failed or uncertain delivery in 30 re-sent once (and one in 4 of those twice)."""
    statuses, weights = zip(*STATUS_WEIGHTS.items())
    records = []
    for a in range(applications):
        application_id = f"seed{a:06d}{uuid.uuid4().hex[:6]}"
        submitted = now - dt.timedelta(seconds=rng.uniform(60, 30 * 86400))
        second = rng.choice(["ApplicationApproved", "ApplicationFlagged", "ApplicationRejected"])
        for event_type, at in (("ApplicationSubmitted", submitted), (second, submitted + dt.timedelta(seconds=2))):
            envelope = _envelope(event_type, application_id, at)
            for channel in ("email", "sms"):
                status = rng.choices(statuses, weights)[0]
                record = _record(d.delivery_id(envelope["event_id"], channel), status, application_id, envelope,
                                 channel, at, now, rng)
                records.append(record)
                if status in d.RESENDABLE and rng.random() < 1 / 30:
                    records.extend(_resends(record, rng.choice([1, 1, 1, 2]), now, rng))
    return records


def _record(record_id: str, status: str, application_id: str, envelope: dict, channel: str, at: dt.datetime,
            now: dt.datetime, rng: random.Random) -> dict:
    record = {"_id": record_id, "status": status, "attempts": 0 if status == d.PENDING else rng.randint(1, 3),
              "created_at": at, "updated_at": at + dt.timedelta(seconds=1), "application_id": application_id,
              "event_id": envelope["event_id"], "event_type": envelope["event_type"], "channel": channel,
              "template": TEMPLATES[envelope["event_type"]], "language": "en",
              "to": "a***@example.pk" if channel == "email" else "+9230*****67",
              **outbox.new_document_fields([])}
    if status == d.SENT:
        record.update(sent_at=at + dt.timedelta(seconds=1), provider_id=f"<{record_id}@registry.example.pk>",
                      last_error=None)
        record["outbox"] = [{"event": {"event_type": "NotificationSent"}, "state": outbox.SENT, "send_count": 1,
                             "sent_at": at, "error": None}]
    else:
        record["envelope"] = envelope
    if status in d.RESENDABLE:
        record["last_error"] = "550 5.1.1 No such user" if status == d.FAILED else "no answer to the message"
    if status == d.RETRYING:
        record.update(next_attempt_at=now + dt.timedelta(seconds=rng.uniform(-120, 600)), last_error="451 try later")
    if status == d.SENDING:
        record["claimed_at"] = now - dt.timedelta(seconds=rng.uniform(0, 900))
    return record


def _resends(original: dict, count: int, now: dt.datetime, rng: random.Random) -> list[dict]:
    resends = []
    for number in range(1, count + 1):
        at = original["created_at"] + dt.timedelta(hours=number)
        resend = {**original, "_id": d.resend_id(original["_id"], number), "resend_of": original["_id"],
                  "created_at": at, "updated_at": at, "status": d.FAILED if number < count else
                  rng.choice([d.SENT, d.FAILED]), "requested_by": "zara", "requested_from": "127.0.0.1",
                  "reason": "mailbox fixed", "requested_at": at}
        resends.append(resend)
    original["resent_as"] = [r["_id"] for r in resends]
    return resends


def populate(database, applications: int, seed: int = 12) -> list[dict]:
    """Make the declared indexes, then insert the records of `applications` applications; returns them."""
    ensure_indexes(database, INDEXES)
    records = delivery_records(applications, dt.datetime.now(dt.timezone.utc), random.Random(seed))
    for start in range(0, len(records), 1000):
        database[COLLECTION].insert_many(records[start:start + 1000], ordered=False)
    return records


@pytest.fixture(scope="module")
def seeded(servers):
    """(a database of its own holding ~6,000 delivery records, the records), for one test module."""
    name = f"test_{uuid.uuid4().hex[:10]}"
    client = get_client(servers.mongodb_uri)
    records = populate(client[name], applications=1500)
    yield client[name], records
    client.drop_database(name)


@pytest.fixture(scope="module")
def indexed_database(servers):
    """A database of its own for one test module, its indexes made as the bootstrap makes them (once:
    making an index takes the server about a second)."""
    name = f"test_{uuid.uuid4().hex[:10]}"
    client = get_client(servers.mongodb_uri)
    ensure_indexes(client[name], INDEXES)
    yield client[name]
    client.drop_database(name)


@pytest.fixture
def delivery_log(indexed_database):
    """A DeliveryLog with no records, on the module's indexed database."""
    indexed_database[COLLECTION].delete_many({})
    return DeliveryLog(indexed_database)
