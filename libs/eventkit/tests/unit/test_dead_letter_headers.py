from collections import namedtuple

from eventkit.dead_letters import dead_letter_headers, origin_of

Message = namedtuple("Message", "topic partition offset headers")


def test_headers_name_the_origin_and_the_error():
    message = Message("intake.events", 2, 41, [("event_type", b"ApplicationSubmitted")])
    headers = dict(dead_letter_headers(message, "verification-applications", ValueError("bad cnic")))
    assert headers["event_type"] == b"ApplicationSubmitted"
    assert headers["dlq.origin.topic"] == b"intake.events"
    assert headers["dlq.origin.partition"] == b"2"
    assert headers["dlq.origin.offset"] == b"41"
    assert headers["dlq.error"] == b"ValueError: bad cnic"
    assert headers["dlq.replays"] == b"0"


def test_a_replayed_letter_that_fails_again_keeps_its_first_origin():
    first = dead_letter_headers(Message("intake.events", 2, 41, []), "g", ValueError("x"))
    replayed = Message("deadletter.g", 0, 7, first)
    assert origin_of(replayed) == "intake.events"
    headers = dict(dead_letter_headers(replayed, "g", ValueError("still broken")))
    assert headers["dlq.origin.offset"] == b"41"
    assert headers["dlq.replays"] == b"1"
    assert headers["dlq.error"] == b"ValueError: still broken"
    assert sum(1 for k, _ in dead_letter_headers(replayed, "g", ValueError("y")) if k == "dlq.error") == 1
