"""An erased application (ApplicationErased): every delivery record of it is deleted, re-sends included, its
cached data keys are dropped, and the completion is logged and counted (notification has no event intake reads).
And since delivery records expire (DELIVERY_LOG_DAYS), an event older than DELIVERY_GIVE_UP_HOURS is never sent:
a replay after its record went does not send it again."""
import datetime as dt
import logging

import pytest
from prometheus_client import REGISTRY

from eventkit.envelope import InvalidMessage, new_event
from notification.bootstrap import check_settings
from notification.config import Config
from notification.domain.messages import PermanentFailure
from notification.service_layer import operations
from notification.service_layer.handlers import handle_event
from notification.service_layer.notify import retry_due


def iso(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def erased(application_id="app123", cause="applicant"):
    return new_event("ApplicationErased", application_id, {"application_id": application_id, "cause": cause},
                     source="intake")


def submitted_at(n, application_id: str, at: dt.datetime) -> dict:
    """ApplicationSubmitted of `application_id` (sealed as earlier versions did), as if it happened at `at`."""
    sealed = n.events_sealer.seal({"email": f"{application_id}@example.pk", "mobile": "+923001234567"})
    event = new_event("ApplicationSubmitted", application_id, {
        "application_id": application_id, "sealed": sealed, "public": {"full_name": "Ayesha Khan"},
        "language": "en"}, source="intake")
    return {**event, "occurred_at": iso(at)}


def erasures(cause: str) -> float:
    return REGISTRY.get_sample_value("notification_erasures_total", {"cause": cause}) or 0.0


@pytest.fixture
def forgotten(n):
    """The application ids whose cached keys the handler dropped (a stand-in for RemoteDataKeys.forget)."""
    import dataclasses
    calls: list[str] = []
    return dataclasses.replace(n, forget_data_keys=calls.append), calls


def test_erasure_deletes_every_record_of_the_application_and_drops_its_keys(forgotten, email, clock, caplog):
    n, calls = forgotten
    email.failures = [PermanentFailure("550 no such user")]
    handle_event(n, submitted_at(n, "app123", clock.now))  # email refused for good, sms sent
    handle_event(n, submitted_at(n, "other", clock.now))
    failed = next(r for r in n.deliveries.records.values() if r["application_id"] == "app123" and
                  r["status"] == "failed")
    operations.resend(n, failed["_id"], "zara", "mailbox fixed", "127.0.0.1")  # a re-send of its own
    assert len([r for r in n.deliveries.records.values() if r["application_id"] == "app123"]) == 3
    before = erasures("applicant")

    with caplog.at_level(logging.INFO, logger="notification.service_layer.erasure"):
        handle_event(n, erased())
    assert {r["application_id"] for r in n.deliveries.records.values()} == {"other"}
    assert calls == ["app123"]
    assert erasures("applicant") == before + 1
    [line] = [r for r in caplog.records if getattr(r, "erasure", None) == "completed"]
    assert (line.service, line.application_id, line.deliveries_deleted) == ("notification", "app123", 3)
    assert not retry_due(n)  # the re-send waiting for the scheduler went too

    handle_event(n, erased())  # redelivered: nothing left, no error
    assert calls == ["app123", "app123"] and len(n.deliveries.records) == 2


def test_an_erasure_without_an_application_id_is_invalid(n):
    bad = new_event("ApplicationErased", "app123", {"application_id": 7, "cause": "applicant"}, source="intake")
    with pytest.raises(InvalidMessage):
        handle_event(n, bad)


def test_an_unknown_cause_is_counted_as_other(n):
    before = erasures("other")
    handle_event(n, erased(cause="whatever"))
    assert erasures("other") == before + 1


def test_an_event_older_than_its_records_are_kept_is_not_sent(n, email, sms, clock):
    handle_event(n, submitted_at(n, "app123", clock.now - dt.timedelta(days=89, seconds=1)))
    assert n.deliveries.records == {} and email.tries == sms.tries == 0


def test_a_backlog_of_a_few_days_is_still_sent(n, email, sms, clock):
    handle_event(n, submitted_at(n, "app123", clock.now - dt.timedelta(days=3)))  # down over a long weekend
    assert len(email.sent) == len(sms.sent) == 1


def test_a_replayed_event_whose_records_expired_is_not_sent_again(n, email, sms, clock):
    event = submitted_at(n, "app123", clock.now)
    handle_event(n, event)
    assert len(email.sent) == len(sms.sent) == 1
    clock.advance(days=90, seconds=1)  # DELIVERY_LOG_DAYS later the server deleted its records (TTL)
    n.deliveries.records.clear()
    handle_event(n, event)  # the topic read again from the start
    assert len(email.sent) == len(sms.sent) == 1 and n.deliveries.records == {}


def test_a_time_without_a_zone_is_read_as_utc_and_one_that_is_no_time_is_invalid(n, email, clock):
    naive = submitted_at(n, "app123", clock.now)
    naive["occurred_at"] = (clock.now - dt.timedelta(days=90)).replace(tzinfo=None).isoformat()
    handle_event(n, naive)
    assert email.tries == 0
    with pytest.raises(InvalidMessage):
        handle_event(n, {**naive, "occurred_at": "the day before yesterday"})


def test_the_delivery_log_must_outlast_the_give_up_horizon():
    config = Config.from_env({"EVENT_PII_KEY": "A" * 43 + "=", "DELIVERY_LOG_DAYS": "1",
                              "DELIVERY_GIVE_UP_HOURS": "24"})
    with pytest.raises(ValueError, match="DELIVERY_LOG_DAYS"):
        check_settings(config)
    check_settings(Config.from_env({"EVENT_PII_KEY": "A" * 43 + "=", "DELIVERY_LOG_DAYS": "3"}))


def test_a_receipt_whose_profile_is_sealed_for_verification_is_sent(n, email, sms):
    """Intake's application events carry the public profile sealed under the identity key (a string notification
    cannot open); the receipt needs only the contact."""
    contact = n.events_sealer.seal({"full_name": "Ayesha Khan", "email": "ayesha@example.pk",
                                    "mobile": "+923001234567"})
    handle_event(n, new_event("ApplicationSubmitted", "app123", {
        "application_id": "app123", "profile": "v2:app123.identity:c2VhbGVk", "sealed": "v2:app123.identity:eA",
        "contact": contact, "language": "en"}, source="intake"))
    assert len(email.sent) == len(sms.sent) == 1
