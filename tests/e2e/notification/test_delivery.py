"""Exactly one message per event and channel: redeliveries, restarts and SMTP outages send no copy,
and a message the server refuses for good is recorded as failed without retries."""
from eventkit.envelope import decode, encode
from eventkit.kafka import make_producer
from eventkit.mongo import get_database
from eventkit.topics import INTAKE_EVENTS
from support.kafka import SESSION_STARTED_MS, read_messages
from support.mail import mails_to

SMTP = "infra:smtp"
WORKER = "notification:notification-worker"


def receipt_event(stack, application_id: str) -> dict:
    doc = get_database(stack.servers.mongodb_uri, "intake")["applications"].find_one({"_id": application_id})
    return doc["outbox"][0]["event"]


def redeliver(stack, event: dict) -> None:
    producer = make_producer(stack.servers.kafka, "test-redelivery")
    try:
        producer.send(INTAKE_EVENTS, key=event["key"].encode(), value=encode(event)).get(timeout=15)
    finally:
        producer.close(timeout=10)


def inbox(stack):
    return get_database(stack.servers.mongodb_uri, "notification")["processed_events"]


def test_a_duplicate_event_and_a_crash_before_commit_send_nothing_twice(apply, stack, wait_for, deliveries):
    application_id, data = apply(province="Sindh", city="Karachi")  # flagged: receipt + request, no approval
    wait_for(lambda: len(mails_to(data["email"])) == 2, message="receipt and request")
    event = receipt_event(stack, application_id)

    redeliver(stack, event)  # a plain redelivery: the inbox absorbs it
    # a worker that sent, then died before recording the event and committing: the event comes again after restart
    inbox(stack).delete_one({"_id": f"notification:{event['event_id']}"})
    stack.supervisorctl("restart", WORKER)
    redeliver(stack, event)
    wait_for(lambda: inbox(stack).find_one({"_id": f"notification:{event['event_id']}"}), timeout=60,
             message="the restarted worker to handle the redelivered event")
    assert len(mails_to(data["email"])) == 2
    of_event = {"application_id": application_id, "event_id": event["event_id"]}  # found through the index
    assert deliveries.count_documents(of_event) == 2  # one per channel
    assert all(d["attempts"] == 1 for d in deliveries.find(of_event))


def test_smtp_refusing_then_recovering_delivers_exactly_once(apply, stack, wait_for, deliveries):
    stack.supervisorctl("stop", SMTP)
    try:
        application_id, data = apply(province="Sindh", city="Karachi")
        record = wait_for(lambda: deliveries.find_one({"application_id": application_id, "template": "receipt",
                                                       "channel": "email", "status": "retrying"}),
                          message="the first attempt to fail")
        assert record["attempts"] >= 1 and record["last_error"]
    finally:
        stack.supervisorctl("start", SMTP)
    sent = wait_for(lambda: deliveries.find_one({"_id": record["_id"], "status": "sent"}), timeout=60,
                    message="delivery once the SMTP server is back")
    assert sent["attempts"] >= 2
    wait_for(lambda: len(mails_to(data["email"])) == 2, message="receipt and request")
    receipts = [m for m in mails_to(data["email"]) if application_id in m["Subject"] and "received" in m["Subject"]]
    assert len(receipts) == 1


def test_a_refused_address_is_recorded_as_failed_without_retries(apply, stack, wait_for, deliveries):
    application_id, data = apply(email="nobody@bounce.invalid", province="Sindh", city="Karachi")
    failed = wait_for(lambda: deliveries.find_one({"application_id": application_id, "template": "receipt",
                                                   "channel": "email", "status": "failed"}),
                      message="the refusal recorded")
    assert failed["attempts"] == 1 and "550" in failed["last_error"]
    # the other channel is not held back (its attempt comes after the email's, so it may still be under way)
    wait_for(lambda: deliveries.find_one({"application_id": application_id, "template": "receipt", "channel": "sms",
                                          "status": "sent"}), message="the SMS sent")
    [published] = read_messages(stack.servers.kafka, "notification.events", 1,
                                lambda m: m.key == application_id.encode()
                                and dict(m.headers)["event_type"] == b"NotificationFailed", timeout_s=30,
                                since_ms=SESSION_STARTED_MS)
    assert decode(published.value)["payload"] == {"application_id": application_id, "channel": "email",
                                                  "reason": "permanent"}
