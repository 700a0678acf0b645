from eventkit import outbox
from eventkit.envelope import new_event
from eventkit.inbox import apply_once


def test_new_document_starts_pending_with_its_events():
    events = [new_event("Thing", "k", {}, source="s")]
    fields = outbox.new_document_fields(events)
    assert fields["outbox_pending"] is True and fields["revision"] == 1
    assert fields["outbox"][0] == {"event": events[0], "state": "pending", "send_count": 0,
                                   "sent_at": None, "error": None}


def test_document_without_events_is_not_pending():
    assert outbox.new_document_fields([])["outbox_pending"] is False


def test_with_events_merges_into_the_writers_update_without_changing_it():
    update = {"$set": {"status": "withdrawn"}, "$inc": {"amendments": 1}}
    event = new_event("ApplicationWithdrawn", "k", {}, source="intake")
    merged = outbox.with_events(update, [event])
    assert update == {"$set": {"status": "withdrawn"}, "$inc": {"amendments": 1}}
    assert merged["$set"] == {"status": "withdrawn", "outbox_pending": True}
    assert merged["$inc"] == {"amendments": 1, "revision": 1}
    assert merged["$push"]["outbox"]["$each"][0]["event"] == event


def test_apply_once_guards_on_the_event_id():
    guard, push = apply_once("e1")
    assert guard == {"applied_events": {"$ne": "e1"}}
    assert push == {"$push": {"applied_events": "e1"}}


def test_a_relay_looks_again_soon_after_finding_events_and_backs_off_to_its_idle_pause():
    pauses, pause = [], 0.2
    for found in [3, 0, 0, 0, 0, 0, 0, 1, 0]:
        pause = outbox.next_pause(pause, found, quick=0.02, idle=0.2)
        pauses.append(round(pause, 3))
    assert pauses == [0.02, 0.04, 0.08, 0.16, 0.2, 0.2, 0.2, 0.02, 0.04]
