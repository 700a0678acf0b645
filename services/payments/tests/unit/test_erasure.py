"""An erased application (intake's ApplicationErased): its vouchers, of every fee cycle and status, lose the payer's
name while their numbers, amounts, dates and statuses stay; ErasureCompleted {application_id, service: payments}
is written once, with the last voucher cleared, however often the event comes; an application without a voucher
gets no event; the bank's inquiry for an erased voucher shows a neutral name and payment rules are unchanged."""
import dataclasses
import datetime as dt

import pytest

from eventkit.envelope import InvalidMessage, new_event
from payments.domain import events
from payments.domain import vouchers as rules
from payments.service_layer import aggregator, vouchers
from payments.service_layer.handlers import handle_event

PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)


def erased(application_id="app1", cause="applicant"):
    return new_event("ApplicationErased", application_id, {"application_id": application_id, "cause": cause},
                     source="intake")


def completions(deps) -> list[dict]:
    return deps.vouchers.of_type(events.ERASURE_COMPLETED)


def test_an_erasure_clears_the_payer_from_every_voucher_and_reports_once(deps, approval, withdrawal, clock):
    handle_event(deps, approval(payer_name="Ayesha Khan", contact="sealed", language="ur"))
    handle_event(deps, withdrawal())  # the fee was due: the voucher is cancelled
    clock.advance(days=1)
    renewal = vouchers.issue(deps, "app1", "Ayesha Khan", "renewal:e1")  # another fee cycle, issued later
    registration = deps.vouchers.get_by_application("app1", rules.REGISTRATION)
    handle_event(deps, approval("app2", payer_name="Bilal Ahmed"))  # someone else's

    event = erased()
    clock.advance(hours=1)
    handle_event(deps, event)
    handle_event(deps, event)  # redelivered
    handle_event(deps, erased())  # and once more, as a new event: the vouchers are clean already

    for before in (registration, renewal):
        after = deps.vouchers.get(before.number)
        assert after.payer_name is None and after.erased_at == clock.now
        assert dataclasses.replace(after, payer_name=before.payer_name, erased_at=None) == before  # the rest kept
    assert deps.vouchers.get_by_application("app2", rules.REGISTRATION).payer_name == "Bilal Ahmed"
    [completed] = completions(deps)
    assert completed["payload"] == {"application_id": "app1", "service": "payments"}
    assert completed["key"] == "app1" and completed["source"] == "payments"
    assert (completed["causation_id"], completed["correlation_id"]) == (event["event_id"], event["correlation_id"])
    assert deps.vouchers.events[-1] is completed  # written with the last voucher cleared


def test_the_event_goes_with_the_earliest_voucher_written_last(deps, clock):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    clock.advance(days=400)
    second = vouchers.issue(deps, "app1", "Ayesha Khan", "renewal:e1")
    written = []
    remove = deps.vouchers.remove_personal_data
    deps.vouchers.remove_personal_data = lambda number, at, evs: written.append((number, len(evs))) or \
        remove(number, at, evs)
    handle_event(deps, erased())
    assert written == [(second.number, 0), (first.number, 1)]


def test_a_crash_part_way_is_finished_by_the_redelivery_with_one_report(deps, clock):
    first = vouchers.issue(deps, "app1", "Ayesha Khan")
    clock.advance(days=400)
    second = vouchers.issue(deps, "app1", "Ayesha Khan", "renewal:e1")
    deps.vouchers.remove_personal_data(second.number, clock.now, [])  # the first delivery got this far
    handle_event(deps, erased())
    assert deps.vouchers.get(first.number).payer_name is None and len(completions(deps)) == 1


def test_an_application_without_a_voucher_gets_no_report(deps, withdrawal):
    handle_event(deps, withdrawal())  # withdrawn before any approval: payments holds no voucher
    handle_event(deps, erased())
    assert completions(deps) == [] and deps.vouchers.vouchers == {}


def test_an_erasure_without_an_application_id_is_invalid(deps):
    with pytest.raises(InvalidMessage):
        handle_event(deps, new_event("ApplicationErased", "app1", {"application_id": 7}, source="intake"))


def test_the_inquiry_for_an_erased_voucher_names_no_one_and_payments_are_decided_as_before(deps, clock):
    paid = vouchers.issue(deps, "app1", "Ayesha Khan")
    aggregator.payment(deps, "bank1", paid.number, 1000, PAID_AT, "T-1")
    unpaid = vouchers.issue(deps, "app2", "Bilal Ahmed")  # erased by the retention policy, say, while unpaid
    handle_event(deps, erased("app1", "retention"))
    handle_event(deps, erased("app2", "retention"))
    assert aggregator.inquiry(deps, paid.number) == {
        "voucher_number": paid.number, "payer_name": rules.PAYER_NAME_ERASED, "amount": 1000,
        "due_date": paid.due_date, "status": rules.PAID}
    assert "Bilal" not in str(aggregator.inquiry(deps, unpaid.number))
    assert aggregator.payment(deps, "bank1", paid.number, 1000, PAID_AT, "T-1").accepted  # the repeat, as before
    with pytest.raises(rules.Refused) as refused:
        aggregator.payment(deps, "bank1", paid.number, 1000, PAID_AT, "T-2")
    assert refused.value.code == rules.VOUCHER_PAID


def test_a_sealed_payer_is_opened_with_the_payer_key_and_an_erased_one_issues_no_voucher(deps):
    from eventkit.envelope import new_event
    from payments.service_layer.handlers import handle_event
    from servicekit.crypto import KeyErased, KeyedSealer, Keyring

    keys = {"app-s.payer": bytes(range(32))}

    def resolve(key_id):
        if key_id not in keys:
            raise KeyErased(key_id)
        return keys[key_id]

    sealed = KeyedSealer("app-s.payer", keys["app-s.payer"]).seal({"full_name": "Sana Mir"})
    keyed = deps.__class__(**{**deps.__dict__, "payer_keyring": Keyring(resolve)})
    approval = new_event("ApplicationApprovedInPrinciple", "app-s",
                         {"application_id": "app-s", "payer": sealed, "contact": "c", "language": "en"},
                         source="verification")
    handle_event(keyed, approval)
    (voucher,) = keyed.vouchers.of_application("app-s")
    assert voucher.payer_name == "Sana Mir" and "Sana" not in str(approval)
    del keys["app-s.payer"]
    erased = new_event("ApplicationApprovedInPrinciple", "app-t",
                       {"application_id": "app-t", "payer": sealed.replace("app-s", "app-t", 1)},
                       source="verification")
    handle_event(keyed, erased)
    assert keyed.vouchers.of_application("app-t") == []
