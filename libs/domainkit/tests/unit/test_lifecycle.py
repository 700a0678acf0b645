"""The registration lifecycle's one state machine (domainkit.lifecycle): every documented move, repeats
that change nothing, late events refused, and the CNIC claim and renewal window rules."""
import datetime as dt
import itertools

import pytest

from domainkit import lifecycle as lc

DOCUMENTED = [  # (from, event, to) — the table in the module's docstring and docs/lifecycle.md
    (None, lc.APPLICATION_SUBMITTED, lc.SUBMITTED),
    (lc.SUBMITTED, lc.APPLICATION_FLAGGED, lc.IN_REVIEW),
    (lc.SUBMITTED, lc.APPLICATION_APPROVED_IN_PRINCIPLE, lc.AWAITING_PAYMENT),
    (lc.IN_REVIEW, lc.APPLICATION_APPROVED_IN_PRINCIPLE, lc.AWAITING_PAYMENT),
    (lc.AWAITING_PAYMENT, lc.REGISTRATION_ISSUED, lc.APPROVED),
    (lc.AWAITING_PAYMENT, lc.APPLICATION_LAPSED, lc.LAPSED),
    (lc.IN_REVIEW, lc.APPLICATION_LAPSED, lc.LAPSED),  # the information a reviewer asked for never came
    (lc.APPROVED, lc.RENEWAL_REQUESTED_EVENT, lc.RENEWAL_REQUESTED),
    (lc.EXPIRED, lc.RENEWAL_REQUESTED_EVENT, lc.RENEWAL_REQUESTED),
    (lc.RENEWAL_REQUESTED, lc.REGISTRATION_RENEWED, lc.APPROVED),
    (lc.RENEWAL_REQUESTED, lc.RENEWAL_REJECTED, lc.APPROVED),
    (lc.APPROVED, lc.REGISTRATION_EXPIRED, lc.EXPIRED),
    (lc.RENEWAL_REQUESTED, lc.REGISTRATION_EXPIRED, lc.EXPIRED),
    (lc.APPROVED, lc.REGISTRATION_REVOKED, lc.REVOKED),
    (lc.RENEWAL_REQUESTED, lc.REGISTRATION_REVOKED, lc.REVOKED),
    (lc.EXPIRED, lc.REGISTRATION_REVOKED, lc.REVOKED),
    (lc.REVOKED, lc.REGISTRATION_REINSTATED, lc.APPROVED),
    (lc.SUBMITTED, lc.APPLICATION_REJECTED, lc.REJECTED),
    (lc.IN_REVIEW, lc.APPLICATION_REJECTED, lc.REJECTED),
    (lc.SUBMITTED, lc.APPLICATION_WITHDRAWN, lc.WITHDRAWN),
    (lc.IN_REVIEW, lc.APPLICATION_WITHDRAWN, lc.WITHDRAWN),
    (lc.AWAITING_PAYMENT, lc.APPLICATION_WITHDRAWN, lc.WITHDRAWN),
    (lc.SUBMITTED, lc.APPLICATION_AMENDED, lc.SUBMITTED),
    (lc.IN_REVIEW, lc.APPLICATION_AMENDED, lc.SUBMITTED),
]


@pytest.mark.parametrize("status, event, expected", DOCUMENTED)
def test_every_documented_move(status, event, expected):
    assert lc.next_status(status, event) == expected


def test_the_table_has_no_move_that_is_not_documented():
    documented = {(status, event) for status, event, _ in DOCUMENTED}
    for status, event in itertools.product((None, *lc.STATUSES), lc.EVENTS):
        if (status, event) in documented:
            continue
        try:
            after = lc.next_status(status, event)
        except lc.NotAllowed:
            continue
        assert after == status, f"{event} moves {status} to {after} without being documented"


@pytest.mark.parametrize("event", lc.EVENTS)
def test_an_event_repeated_changes_nothing_the_second_time(event):
    for status, documented_event, after in DOCUMENTED:
        if documented_event == event and event != lc.APPLICATION_AMENDED:
            assert lc.next_status(after, event) == after  # a duplicate or a replay


@pytest.mark.parametrize("status, event", [
    (lc.LAPSED, lc.REGISTRATION_ISSUED),  # the fee paid after the voucher lapsed
    (lc.REVOKED, lc.RENEWAL_REQUESTED_EVENT),  # a renewal after a revocation
    (lc.REVOKED, lc.REGISTRATION_RENEWED),
    (lc.WITHDRAWN, lc.APPLICATION_APPROVED_IN_PRINCIPLE),  # a decision that lost the race to a withdrawal
    (lc.REJECTED, lc.APPLICATION_AMENDED),
    (lc.APPROVED, lc.APPLICATION_WITHDRAWN),  # a registration is revoked by the board, not withdrawn
    (lc.APPROVED, lc.APPLICATION_FLAGGED),
    (None, lc.REGISTRATION_ISSUED),
])
def test_an_event_that_comes_too_late_is_refused_and_names_both(status, event):
    with pytest.raises(lc.NotAllowed) as refused:
        lc.next_status(status, event)
    assert refused.value.status == status and event in str(refused.value)


def test_reinstating_or_refusing_a_renewal_after_the_date_lands_on_expired():
    assert lc.next_status(lc.REVOKED, lc.REGISTRATION_REINSTATED, validity_ended=True) == lc.EXPIRED
    assert lc.next_status(lc.RENEWAL_REQUESTED, lc.RENEWAL_REJECTED, validity_ended=True) == lc.EXPIRED
    assert lc.next_status(lc.AWAITING_PAYMENT, lc.REGISTRATION_ISSUED, validity_ended=True) == lc.APPROVED


def test_an_unknown_event_is_an_error_not_a_refusal():
    with pytest.raises(lc.UnknownEvent):
        lc.next_status(lc.SUBMITTED, "ApplicationTeleported")


@pytest.mark.parametrize("status, within_grace, revoked_blocks, held", [
    (lc.SUBMITTED, False, True, True), (lc.IN_REVIEW, False, True, True), (lc.AWAITING_PAYMENT, False, True, True),
    (lc.APPROVED, False, True, True), (lc.RENEWAL_REQUESTED, False, True, True),
    (lc.EXPIRED, True, True, True), (lc.EXPIRED, False, True, False),
    (lc.REVOKED, False, True, True), (lc.REVOKED, False, False, False),
    (lc.REJECTED, False, True, False), (lc.WITHDRAWN, False, True, False), (lc.LAPSED, False, True, False),
])
def test_the_cnic_is_held_while_the_application_or_registration_lives(status, within_grace, revoked_blocks, held):
    assert lc.holds_cnic(status, within_grace=within_grace, revoked_blocks=revoked_blocks) is held


def test_renewal_opens_before_expiry_and_closes_after_the_grace_period():
    expires_at = lc.expires_at_of(dt.date(2027, 6, 30))
    assert expires_at == dt.datetime(2027, 7, 1, tzinfo=dt.timezone.utc)
    at = [dt.datetime(2027, 5, 2, tzinfo=dt.timezone.utc), expires_at, expires_at + dt.timedelta(days=30, seconds=-1)]
    assert [lc.renewal_open(expires_at, now, opens_days_before=60, grace_days=30) for now in at] == [True] * 3
    outside = [dt.datetime(2027, 5, 1, 23, 59, tzinfo=dt.timezone.utc), expires_at + dt.timedelta(days=30)]
    assert [lc.renewal_open(expires_at, now, opens_days_before=60, grace_days=30) for now in outside] == [False] * 2


def test_a_renewal_extends_from_the_old_expiry_not_from_payment_day():
    old = lc.expires_at_of(dt.date(2027, 6, 30))
    assert lc.renewed_expiry(old, 365) == dt.datetime(2028, 6, 30, tzinfo=dt.timezone.utc)  # valid to 2028-06-29
