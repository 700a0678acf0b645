"""Operators' re-sends on the real database server: requests made at once create one re-send, the
next is refused while it is on its way and allowed once it ended, and a re-send the original does
not list (a crash before that last write) is still found.

Each test has its own database and SMTP server (support/flaky_smtp.py) that refuses every
message for good, and runs the use cases in-process, so the running stack is untouched."""
import threading

import pytest

from notification.bootstrap import notification_for
from notification.config import Config
from notification.service_layer import operations
from notification.service_layer.handlers import handle_event
from notification.service_layer.notify import retry_due
from support.flaky_smtp import FlakySmtpServer
from support.intake import secrets_env, submitted_event

REFUSED = "550 5.1.1 No such user"


@pytest.fixture
def refusing(database, servers, tmp_path):
    """(n, the id of an email delivery the server refused for good)."""
    with FlakySmtpServer(refuse=10_000, code=REFUSED) as smtp:
        n = notification_for(Config.from_env({
            **secrets_env(), "MONGODB_URI": servers.mongodb_uri, "MONGODB_DATABASE": database.name,
            "SMTP_PORT": str(smtp.port), "SMS_SINK_DIR": str(tmp_path / "sms")}))
        event = submitted_event()
        handle_event(n, event)
        record_id = f"{event['event_id']}:email"
        assert n.deliveries.get(record_id)["status"] == "failed"
        yield n, record_id


def test_resend_requests_made_at_once_create_one_resend(refusing, database):
    n, record_id = refusing
    outcomes, start = [], threading.Barrier(8)

    def ask(i):
        start.wait()
        try:
            outcomes.append(operations.resend(n, record_id, f"operator{i}", "at once", "127.0.0.1"))
        except operations.ResendRefused as exc:
            outcomes.append(str(exc))
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    made = [o for o in outcomes if isinstance(o, dict)]
    assert len(outcomes) == 8 and len(made) == 1, outcomes
    assert all("still under way" in o for o in outcomes if isinstance(o, str))
    assert made[0]["_id"] == f"{record_id}:resend-1" and made[0]["requested_from"] == "127.0.0.1"
    assert database["notifications"].count_documents({"resend_of": record_id}) == 1
    assert n.deliveries.get(record_id)["resent_as"] == [made[0]["_id"]]


def test_the_next_resend_waits_until_the_previous_one_ended(refusing):
    n, record_id = refusing
    first = operations.resend(n, record_id, "zara", "mailbox fixed", "127.0.0.1")
    with pytest.raises(operations.ResendRefused, match="still under way"):
        operations.resend(n, record_id, "omar", "mailbox fixed", "127.0.0.1")
    assert retry_due(n)  # the scheduler's attempt: refused again, for good
    assert n.deliveries.get(first["_id"])["status"] == "failed"
    second = operations.resend(n, first["_id"], "omar", "the newest failed one", "127.0.0.1")
    assert (second["_id"], second["resend_of"]) == (f"{record_id}:resend-2", record_id)
    assert n.deliveries.get(record_id)["resent_as"] == [first["_id"], second["_id"]]
    assert n.deliveries.get(record_id)["status"] == "failed"


def test_a_resend_the_original_does_not_list_is_still_found(refusing, database):
    n, record_id = refusing
    first = operations.resend(n, record_id, "zara", "mailbox fixed", "127.0.0.1")
    database["notifications"].update_one({"_id": record_id}, {"$unset": {"resent_as": ""}})  # lost in a crash
    with pytest.raises(operations.ResendRefused, match=f"{first['_id']} is retrying"):
        operations.resend(n, record_id, "omar", "no news", "127.0.0.1")
    [listed] = [r for r in n.deliveries.for_application(first["application_id"]) if r["_id"] == record_id]
    assert listed["resent_as"] == [first["_id"]]
    [page_item] = [r for r in n.deliveries.with_status("failed", 50) if r["_id"] == record_id]
    assert page_item["resent_as"] == [first["_id"]]
    assert retry_due(n)
    second = operations.resend(n, record_id, "omar", "once more", "127.0.0.1")
    assert n.deliveries.get(record_id)["resent_as"] == [first["_id"], second["_id"]]  # the lost one put back
