"""The delivery log's guarantees on the real database server: opening a record is idempotent even
when redeliveries race, a due retry is claimed by one scheduler only (several claiming at once),
a retry is found only once due, stale sends are settled, the operators' listing pages
through every record once, every record carries the `purge_at` its TTL index deletes it by, and an erased
application's records all go at once."""
import datetime as dt
import threading

from eventkit.envelope import new_event
from notification.adapters.notifications import COLLECTION, DeliveryLog
from notification.domain import deliveries as d
from notification.service_layer.notify import uncertain_event

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


def run_at_once(target, threads: int) -> None:
    start = threading.Barrier(threads)

    def run(n):
        start.wait()
        target(n)
    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)


def retrying(log, record_id: str, due: dt.datetime) -> None:
    assert log.open_claimed(record_id, {"application_id": "a", "channel": "email",
                                        "event_type": "ApplicationSubmitted"}, {"key": "a"}, NOW)[1]
    assert log.reschedule(record_id, due, "451 try later", NOW)


def test_opening_a_record_twice_keeps_the_first_even_when_redeliveries_race(delivery_log):
    opened = []
    run_at_once(lambda n: opened.append(delivery_log.open_claimed(
        "e1:email", {"application_id": "a", "channel": "email"}, {"key": "a", "n": n},
        NOW + dt.timedelta(seconds=n))), 6)
    assert len(opened) == 6 and delivery_log.collection.count_documents({}) == 1
    assert [created for _, created in opened].count(True) == 1  # exactly one opener owns the claim
    first = delivery_log.get("e1:email")
    winner = next(record for record, created in opened if created)
    assert {k: winner[k] for k in ("status", "attempts", "claimed_at", "envelope")} == {
        k: first[k] for k in ("status", "attempts", "claimed_at", "envelope")}
    assert all(record == first for record, created in opened if not created)
    assert first["status"] == d.SENDING and first["attempts"] == 0 and first["outbox"] == []
    record, created = delivery_log.open_claimed("e1:email", {"channel": "sms"}, {"key": "b"}, NOW)
    assert not created and record == first


def test_a_record_left_pending_by_an_earlier_version_is_claimed_once(delivery_log):
    delivery_log.collection.insert_one({"_id": "old:email", "status": d.PENDING, "attempts": 0, "outbox": []})
    assert delivery_log.claim_pending("old:email", NOW) and not delivery_log.claim_pending("old:email", NOW)


def test_a_retry_is_claimed_only_once_it_is_due_earliest_first(delivery_log):
    retrying(delivery_log, "late:email", NOW + dt.timedelta(seconds=30))
    retrying(delivery_log, "early:email", NOW + dt.timedelta(seconds=10))
    assert delivery_log.claim_due(NOW) is None
    claimed = delivery_log.claim_due(NOW + dt.timedelta(seconds=31))
    assert claimed["_id"] == "early:email" and claimed["status"] == d.SENDING and claimed["attempts"] == 1
    assert delivery_log.claim_due(NOW + dt.timedelta(seconds=31))["_id"] == "late:email"
    assert delivery_log.claim_due(NOW + dt.timedelta(seconds=31)) is None


def test_schedulers_claiming_at_once_claim_each_due_retry_once(delivery_log):
    count = 120
    delivery_log.collection.insert_many([
        {"_id": f"r{i}:email", "status": d.RETRYING, "attempts": 1, "created_at": NOW,
         "next_attempt_at": NOW - dt.timedelta(seconds=i % 7)} for i in range(count)])
    claimed = []

    def claim_until_none(_):
        while (record := delivery_log.claim_due(NOW)) is not None:
            claimed.append(record["_id"])
    run_at_once(claim_until_none, 6)
    # a scheduler that lost a race may see nothing due for a moment: the next pass takes the rest
    claim_until_none(None)
    assert len(claimed) == count and len(set(claimed)) == count


def test_sends_claimed_too_long_ago_become_uncertain_with_their_event(delivery_log):
    retrying(delivery_log, "stale:email", NOW)
    retrying(delivery_log, "fresh:email", NOW)
    envelope = new_event("ApplicationSubmitted", "a", {"application_id": "a"}, source="intake")
    delivery_log.collection.update_many({}, {"$set": {"envelope": envelope}})
    assert delivery_log.claim_due(NOW)["_id"] in ("stale:email", "fresh:email")
    assert delivery_log.claim_due(NOW + dt.timedelta(minutes=4))
    moved = delivery_log.mark_stale_sending_uncertain(NOW + dt.timedelta(minutes=2), uncertain_event,
                                                      NOW + dt.timedelta(minutes=6))
    assert len(moved) == 1
    settled = delivery_log.get(moved[0]["_id"])
    assert settled["status"] == d.UNCERTAIN and settled["last_error"].startswith("the process sending it stopped")
    [entry] = settled["outbox"]
    assert entry["event"]["event_type"] == "NotificationFailed" and entry["event"]["payload"]["reason"] == "uncertain"
    assert settled["outbox_pending"] is True
    others = [r for r in delivery_log.collection.find() if r["_id"] != moved[0]["_id"]]
    assert [r["status"] for r in others] == [d.SENDING]


def test_the_listing_pages_through_every_failed_record_once_newest_first(delivery_log):
    # 25 failed records, several sharing a created_at (the id breaks the tie), among sent ones
    delivery_log.collection.insert_many(
        [{"_id": f"f{i:02d}:email", "status": d.FAILED, "created_at": NOW + dt.timedelta(seconds=i // 3),
          "application_id": f"a{i}"} for i in range(25)]
        + [{"_id": f"s{i:02d}:email", "status": d.SENT, "created_at": NOW, "application_id": f"a{i}"}
           for i in range(10)])
    seen, after = [], None
    while page := delivery_log.with_status(d.FAILED, 4, after):
        seen.extend(page)
        after = (page[-1]["created_at"], page[-1]["_id"])
    keys = [(r["created_at"], r["_id"]) for r in seen]
    assert len(seen) == 25 and len(set(keys)) == 25 and keys == sorted(keys, reverse=True)
    assert all("envelope" not in r and "outbox" not in r for r in seen)


def test_a_resend_is_listed_with_its_original_even_if_the_original_lost_its_list(delivery_log):
    delivery_log.open_claimed("e1:email", {"application_id": "a", "channel": "email"}, {"key": "a"}, NOW)
    delivery_log.mark_failed("e1:email", "550", {"event_id": "x", "event_type": "NotificationFailed"}, NOW)
    original = delivery_log.get("e1:email")
    first = delivery_log.add_resend(original, 1, {"requested_by": "zara"}, NOW + dt.timedelta(minutes=1))
    assert first["_id"] == "e1:email:resend-1" and first["status"] == d.RETRYING and "envelope" not in first
    delivery_log.collection.update_one({"_id": "e1:email"}, {"$unset": {"resent_as": ""}})  # lost in a crash
    assert [r["_id"] for r in delivery_log.resends_of("e1:email")] == [first["_id"]]
    [listed] = [r for r in delivery_log.for_application("a") if r["_id"] == "e1:email"]
    assert listed["resent_as"] == [first["_id"]]
    [paged] = delivery_log.with_status(d.FAILED, 10)
    assert paged["resent_as"] == [first["_id"]]


def test_every_record_is_made_with_the_purge_at_its_ttl_index_deletes_it_by(delivery_log, indexed_database):
    log = DeliveryLog(indexed_database, dt.timedelta(days=30))
    record, _ = log.open_claimed("e1:email", {"application_id": "a", "channel": "email"}, {"key": "a"}, NOW)
    assert record["purge_at"] == NOW + dt.timedelta(days=30) == log.get("e1:email")["purge_at"]
    log.mark_failed("e1:email", "550", {"event_id": "x"}, NOW)
    resend = log.add_resend(log.get("e1:email"), 1, {"requested_by": "zara"}, NOW + dt.timedelta(days=2))
    assert log.get(resend["_id"])["purge_at"] == NOW + dt.timedelta(days=32)
    ttl = [i for i in indexed_database[COLLECTION].list_indexes() if "expireAfterSeconds" in i]
    assert [(dict(i["key"]), i["expireAfterSeconds"]) for i in ttl] == [({"purge_at": 1}, 0)]


def test_an_erased_applications_records_are_deleted_and_no_others(delivery_log):
    for event_id, application_id in (("e1", "erased"), ("e2", "erased"), ("e3", "kept")):
        for channel in ("email", "sms"):
            delivery_log.open_claimed(f"{event_id}:{channel}", {"application_id": application_id, "channel": channel},
                                      {"key": application_id}, NOW)
    delivery_log.mark_failed("e1:email", "550", {"event_id": "x"}, NOW)
    delivery_log.add_resend(delivery_log.get("e1:email"), 1, {}, NOW)
    assert delivery_log.delete_for_application("erased") == 5
    assert {r["application_id"] for r in delivery_log.collection.find({})} == {"kept"}
    assert delivery_log.delete_for_application("erased") == 0
