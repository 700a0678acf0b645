"""Intake's copy of the fee voucher on the real MongoDB-protocol server: issued, then settled, in either
order, ends the same; a repeat changes nothing; another voucher's settlement leaves the kept one alone."""
import datetime as dt

import pytest

from intake.adapters.applications import ApplicationRepository
from intake.domain import application as lifecycle

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
VOUCHER = {"number": "7711000000000013", "amount": 1000, "due_date": "2026-12-15"}


@pytest.fixture
def applications(database):
    repository = ApplicationRepository(database)
    repository.applications.insert_one({"_id": "a1", "status": lifecycle.AWAITING_PAYMENT, "updated_at": NOW,
                                        "timeline": [], "documents": {}, "decision": {}})
    return repository


def kept(applications) -> dict:
    return applications.get("a1")["voucher"]


def test_issued_then_paid(applications):
    assert applications.record_voucher_issued("a1", VOUCHER) is True
    assert kept(applications) == {**VOUCHER, "status": "unpaid"}
    assert applications.record_voucher_issued("a1", VOUCHER) is False  # a repeat
    assert applications.settle_voucher("a1", VOUCHER["number"], "paid") is True
    assert applications.settle_voucher("a1", VOUCHER["number"], "paid") is False
    assert applications.record_voucher_issued("a1", VOUCHER) is False  # a late repeat of the issue
    assert kept(applications) == {**VOUCHER, "status": "paid"}


def test_paid_before_its_issue_reached_intake(applications):
    assert applications.settle_voucher("a1", VOUCHER["number"], "paid") is True
    assert kept(applications) == {"number": VOUCHER["number"], "status": "paid"}
    assert applications.record_voucher_issued("a1", VOUCHER) is True  # gains the amount and due date
    assert kept(applications) == {**VOUCHER, "status": "paid"}


def test_another_vouchers_settlement_leaves_the_kept_one(applications):
    applications.record_voucher_issued("a1", VOUCHER)
    assert applications.settle_voucher("a1", "7711999999999990", "expired") is False
    assert kept(applications)["status"] == "unpaid"


def test_an_unknown_application_changes_nothing(applications):
    assert applications.record_voucher_issued("nobody", VOUCHER) is False
    assert applications.settle_voucher("nobody", VOUCHER["number"], "paid") is False
    assert applications.get("nobody") is None
