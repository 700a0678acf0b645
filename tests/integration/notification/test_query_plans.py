"""Every query the delivery log issues is served by an index, on a database holding thousands of
delivery records (conftest.seeded): no request, scheduler pass or housekeeping reads them all.

Each case runs one of DeliveryLog's methods through a client that records the commands it sends,
then asks the server's planner (`explain`) about each filter it used — finds, the filters of its
updates and findAndModify (explained as the finds they are: the gateway cannot explain writes),
with their sorts — and fails on a full scan. The queries checked are the ones the code sends,
not copies of them."""
import datetime as dt
import inspect

import pytest
from pymongo import MongoClient, monitoring

from eventkit import outbox
from notification.adapters.notifications import COLLECTION, DeliveryLog
from notification.domain import deliveries as d
from notification.service_layer.notify import uncertain_event
from support.explain import assert_pipeline_uses_index, assert_uses_index

NOW = dt.datetime.now(dt.timezone.utc)


class Recorder(monitoring.CommandListener):
    """The commands a client sent, as (name, command)."""

    def __init__(self):
        self.commands: list[tuple[str, dict]] = []

    def started(self, event):
        self.commands.append((event.command_name, event.command))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def queries_of(commands: list[tuple[str, dict]]) -> list[tuple[str, dict, list | None]]:
    """(kind, filter, sort) of every read or conditional write in `commands`."""
    found = []
    for name, command in commands:
        if name == "find":
            found.append(("find", command.get("filter", {}), list(command.get("sort", {}).items()) or None))
        elif name == "findAndModify":
            found.append(("findAndModify", command.get("query", {}), list(command.get("sort", {}).items()) or None))
        elif name in ("update", "delete"):
            key = "updates" if name == "update" else "deletes"
            found.extend((name, statement["q"], None) for statement in command[key])
        elif name in ("aggregate", "count", "distinct"):
            found.append((name, command, None))
    return found


@pytest.fixture(scope="module")
def monitored(seeded, servers):
    """(a DeliveryLog on the seeded database whose client records its commands, the recorder, the records)."""
    database, records = seeded
    recorder = Recorder()
    client = MongoClient(servers.mongodb_uri, event_listeners=[recorder], tz_aware=True)
    yield DeliveryLog(client[database.name]), recorder, records
    client.close()


def one(records, **wanted) -> dict:
    return next(r for r in records if all(r.get(k) == v for k, v in wanted.items()) and "resend_of" not in r)


def cursor_after_first_page(log: DeliveryLog, status: str) -> tuple:
    first = log.with_status(status, 20)
    return first[-1]["created_at"], first[-1]["_id"]


# Each case: (the DeliveryLog method, what it does with the seeded records). Every method is here.
CASES = {
    "open_claimed (an existing record)": ("open_claimed", lambda log, records: log.open_claimed(
        one(records, status=d.SENT)["_id"], {"channel": "email"}, {"key": "k"}, NOW)),
    "open_claimed (a new record)": ("open_claimed", lambda log, records: log.open_claimed(
        "new-event:email", {"application_id": "new-app", "channel": "email"}, {"key": "new-app"}, NOW)),
    "claim_pending": ("claim_pending", lambda log, records: log.claim_pending(
        one(records, status=d.PENDING)["_id"], NOW)),
    "mark_sent": ("mark_sent", lambda log, records: log.mark_sent(
        one(records, status=d.SENDING)["_id"], "<id@x>", {"event_id": "e1"}, NOW)),
    "mark_failed": ("mark_failed", lambda log, records: log.mark_failed(
        one(records, status=d.PENDING)["_id"], "550", {"event_id": "e2"}, NOW)),
    "reschedule": ("reschedule", lambda log, records: log.reschedule(
        one(records, status=d.PENDING)["_id"], NOW, "451", NOW)),
    "mark_uncertain": ("mark_uncertain", lambda log, records: log.mark_uncertain(
        one(records, status=d.PENDING)["_id"], "no answer", {"event_id": "e3"}, NOW, attempts=0)),
    "claim_due": ("claim_due", lambda log, records: log.claim_due(NOW)),
    "stale_sending": ("stale_sending", lambda log, records: log.stale_sending(NOW - dt.timedelta(minutes=5))),
    "mark_stale_sending_uncertain": ("mark_stale_sending_uncertain", lambda log, records:
                                     log.mark_stale_sending_uncertain(NOW - dt.timedelta(minutes=5),
                                                                      uncertain_event, NOW)),
    "get": ("get", lambda log, records: log.get(one(records, status=d.FAILED)["_id"])),
    "resends_of": ("resends_of", lambda log, records: log.resends_of(
        next(r["resend_of"] for r in records if "resend_of" in r))),
    "add_resend": ("add_resend", lambda log, records: log.add_resend(
        one(records, status=d.UNCERTAIN), 9, {"requested_by": "zara"}, NOW)),
    "for_application": ("for_application", lambda log, records: log.for_application(
        next(r["application_id"] for r in records if "resend_of" in r))),
    "with_status failed": ("with_status", lambda log, records: log.with_status(d.FAILED, 50)),
    "with_status uncertain": ("with_status", lambda log, records: log.with_status(d.UNCERTAIN, 50)),
    "with_status failed, next page": ("with_status", lambda log, records: log.with_status(
        d.FAILED, 50, cursor_after_first_page(log, d.FAILED))),
    "with_status uncertain, next page": ("with_status", lambda log, records: log.with_status(
        d.UNCERTAIN, 50, cursor_after_first_page(log, d.UNCERTAIN))),
    # the last application's records: no other case picks them
    "delete_for_application": ("delete_for_application", lambda log, records: log.delete_for_application(
        records[-1]["application_id"])),
}


def test_every_method_of_the_delivery_log_is_checked():
    methods = {name for name, member in inspect.getmembers(DeliveryLog, inspect.isfunction)
               if not name.startswith("_")}
    assert methods == {method for method, _ in CASES.values()}


def test_the_seeded_log_is_the_size_of_a_busy_stack(seeded):
    database, records = seeded
    # count_documents, not estimated_document_count: DocumentDB estimates from PostgreSQL's
    # statistics, which lag behind a fresh bulk insert (CI saw 4,000 of 5,000+ records).
    assert database[COLLECTION].count_documents({}) >= 5000
    assert sum(r["status"] == d.FAILED for r in records) >= 100
    assert any("resend_of" in r for r in records)


@pytest.mark.parametrize("case", CASES)
def test_each_query_uses_an_index(monitored, case):
    log, recorder, records = monitored
    recorder.commands.clear()
    CASES[case][1](log, records)
    queries = queries_of([c for c in recorder.commands if c[1].get(c[0]) == COLLECTION])
    assert queries, f"{case} sent no query"
    collection = log.collection.database[COLLECTION]
    for kind, filter_, sort in queries:
        if kind == "aggregate":
            assert_pipeline_uses_index(collection, filter_["pipeline"])
        else:
            assert kind in ("find", "findAndModify", "update", "delete"), kind
            assert_uses_index(collection, filter_, sort=sort)


def test_the_relay_finds_pending_events_through_an_index(seeded):
    database, _ = seeded
    assert_uses_index(database[COLLECTION], outbox.PENDING_FILTER)  # the relay's query
