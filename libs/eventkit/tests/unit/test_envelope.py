import json

import pytest

from eventkit.correlation import reset_correlation_id, set_correlation_id
from eventkit.envelope import InvalidMessage, decode, encode, new_event


def test_new_event_has_every_envelope_field():
    event = new_event("ApplicationSubmitted", "app-1", {"a": 1}, source="intake")
    assert set(event) == {"event_id", "event_type", "event_version", "occurred_at", "source",
                          "correlation_id", "causation_id", "key", "payload"}
    assert event["occurred_at"].endswith("Z") and event["event_version"] == 1
    assert event["causation_id"] is None


def test_event_takes_the_current_correlation_id():
    token = set_correlation_id("req-42")
    try:
        assert new_event("Thing", "k", {}, source="s")["correlation_id"] == "req-42"
    finally:
        reset_correlation_id(token)


def test_caused_event_inherits_correlation_and_names_its_cause():
    cause = new_event("ApplicationSubmitted", "app-1", {}, source="intake")
    effect = new_event("ApplicationApproved", "app-1", {}, source="verification", caused_by=cause)
    assert effect["correlation_id"] == cause["correlation_id"]
    assert effect["causation_id"] == cause["event_id"]


def test_encode_decode_round_trip_keeps_unicode():
    event = new_event("Thing", "k", {"name": "محمد علی"}, source="s")
    raw = encode(event)
    assert "محمد".encode() in raw
    assert decode(raw) == event


@pytest.mark.parametrize("raw", [None, b"\xff\xfe", b"{broken", b"[1, 2]", b'"text"'])
def test_undecodable_values_are_invalid_messages(raw):
    with pytest.raises(InvalidMessage):
        decode(raw)


@pytest.mark.parametrize("change", [
    {"event_type": "lowercase"},
    {"event_version": "1"},
    {"payload": "not an object"},
    {"key": ""},
    {"extra": 1},
])
def test_envelopes_breaking_the_schema_are_invalid(change):
    event = {**new_event("Thing", "k", {}, source="s"), **change}
    with pytest.raises(InvalidMessage):
        decode(json.dumps(event).encode())


def test_missing_field_is_invalid():
    event = new_event("Thing", "k", {}, source="s")
    del event["correlation_id"]
    with pytest.raises(InvalidMessage, match="correlation_id"):
        decode(json.dumps(event).encode())
