"""The worker's one event table, and the operators' views through the service layer: a paged
listing of failed deliveries (time/id cursor) and an application's delivery log."""
import pytest

from eventkit.envelope import new_event
from notification.domain.messages import EVENTS_WITH_MESSAGES, PermanentFailure
from notification.service_layer import operations
from notification.service_layer.handlers import HANDLERS, handle_event


def test_every_event_with_a_message_has_a_handler_and_no_other():
    assert set(HANDLERS) == set(EVENTS_WITH_MESSAGES) | {"ApplicationErased"}


def test_an_event_without_a_message_sends_nothing(n, email, sms):
    handle_event(n, new_event("DocumentUploaded", "app123", {"application_id": "app123"}, source="intake"))
    assert n.deliveries.records == {} and email.tries == sms.tries == 0


def refused_applications(n, email, clock, submitted_for, count: int) -> list[str]:
    """`count` applications whose receipt email was refused for good, one a second (some at the same time)."""
    ids = []
    for i in range(count):
        email.failures = [PermanentFailure("recipient refused: [550]")]
        envelope = submitted_for(f"app{i:03d}")
        handle_event(n, envelope)
        ids.append(f"{envelope['event_id']}:email")
        if i % 3:  # every third pair shares its created_at: the id breaks the tie
            clock.advance(seconds=1)
    return ids


@pytest.fixture
def submitted_for(n):
    def make(application_id):
        sealed = n.events_sealer.seal({"email": f"{application_id}@example.pk", "mobile": "+923001234567"})
        return new_event("ApplicationSubmitted", application_id, {
            "application_id": application_id, "sealed": sealed, "public": {"full_name": "Ayesha Khan"},
            "language": "en"}, source="intake")
    return make


def test_the_listing_pages_through_every_failed_delivery_newest_first_once(n, email, clock, submitted_for):
    failed = refused_applications(n, email, clock, submitted_for, 11)
    seen, cursor, pages = [], None, 0
    while True:
        page = operations.deliveries_with_status(n, "failed", 4, cursor)
        seen.extend(page["items"])
        pages += 1
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert pages == 3 and sorted(r["_id"] for r in seen) == sorted(failed)
    keys = [(r["created_at"], r["_id"]) for r in seen]
    assert keys == sorted(keys, reverse=True)


def test_a_page_that_ends_the_listing_has_no_cursor(n, email, clock, submitted_for):
    refused_applications(n, email, clock, submitted_for, 4)
    assert operations.deliveries_with_status(n, "failed", 4, None)["next_cursor"] is None
    assert operations.deliveries_with_status(n, "failed", 3, None)["next_cursor"] is not None


def test_a_cursor_that_is_not_one_is_refused(n):
    with pytest.raises(ValueError):
        operations.deliveries_with_status(n, "failed", 10, "!!")


def test_the_delivery_log_of_an_application_holds_its_deliveries_only(n, email, clock, submitted_for):
    refused_applications(n, email, clock, submitted_for, 3)
    log = operations.delivery_log(n, "app001")
    assert sorted((r["channel"], r["status"]) for r in log) == [("email", "failed"), ("sms", "sent")]
    assert {r["application_id"] for r in log} == {"app001"}


def test_a_renewal_voucher_says_renewal_and_a_renewal_brings_a_new_certificate():
    from notification.domain.messages import message_for
    registration = {"event_type": "VoucherIssued", "payload": {"fee_cycle": "registration"}}
    renewal = {"event_type": "VoucherIssued", "payload": {"fee_cycle": "renewal:e1"}}
    assert message_for(registration).template == "fee_due" and message_for(renewal).template == "renewal_fee_due"
    assert message_for(renewal).voucher
    assert message_for({"event_type": "RegistrationRenewed", "payload": {}}).certificate
