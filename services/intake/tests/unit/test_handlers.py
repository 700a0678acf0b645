"""Verification's decisions against the in-memory repositories: the event→handler table, each decision
applied once, only to an open application, a rejection freeing the CNIC, an unknown application refused."""
import pytest

from eventkit.envelope import InvalidMessage, new_event
from intake.domain import application as lifecycle
from intake.service_layer import submissions
from intake.service_layer.handlers import HANDLERS, handle_event
from intake.service_layer.vouchers import VOUCHER_STATUS


def decision(event_type, application_id, **payload):
    return new_event(event_type, application_id, {"application_id": application_id, **payload},
                     source="verification")


def test_the_table_names_every_decision_and_voucher_event_and_nothing_else():
    assert set(HANDLERS) == set(lifecycle.DECISION_STATUS) | set(VOUCHER_STATUS) | {
        lifecycle.RENEWAL_GRACE_ENDED, "InformationRequested", "RecordViewed", "ErasureCompleted"}


def voucher_event(event_type, application_id, number="7711000000000013", **payload):
    return new_event(event_type, application_id, {"application_id": application_id, "voucher_number": number,
                                                  **payload}, source="payments")


def issued(application_id, number="7711000000000013"):
    return voucher_event("VoucherIssued", application_id, number, amount=1000, due_date="2026-12-15")


def test_approved_in_principle_then_registered_holds_the_cnic_throughout(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id, reasons=[]))
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.AWAITING_PAYMENT and "cnic_claim" in doc
    with pytest.raises(submissions.DuplicateCnic):
        submissions.submit(deps, application())
    registered = decision("RegistrationIssued", application_id, registration_number="PK-2026-000002",
                          valid_until="2027-12-01")
    handle_event(deps, registered)
    handle_event(deps, registered)  # redelivered
    assert doc["status"] == lifecycle.APPROVED and doc["decision"]["registration_number"] == "PK-2026-000002"
    assert [e["status"] for e in doc["timeline"]] == ["submitted", "awaiting_payment", "approved"]
    assert "cnic_claim" in doc


def test_an_expired_registration_keeps_its_number_and_still_holds_the_cnic_in_the_grace_period(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id))
    handle_event(deps, decision("RegistrationIssued", application_id, registration_number="PK-2026-000002",
                                valid_until="2027-12-01"))
    expired = decision("RegistrationExpired", application_id, registration_number="PK-2026-000002",
                       valid_until="2027-12-01")
    handle_event(deps, expired)
    handle_event(deps, expired)  # redelivered
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.EXPIRED and doc["decision"]["registration_number"] == "PK-2026-000002"
    assert [e["status"] for e in doc["timeline"]] == ["submitted", "awaiting_payment", "approved", "expired"]
    assert "cnic_claim" in doc
    with pytest.raises(submissions.DuplicateCnic):
        submissions.submit(deps, application())


def test_a_registration_for_an_application_whose_fee_was_never_due_changes_nothing(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("RegistrationIssued", application_id, registration_number="n", valid_until="v"))
    assert deps.applications.docs[application_id]["status"] == lifecycle.SUBMITTED


def test_a_lapse_frees_the_cnic_and_a_payment_after_it_changes_nothing(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id))
    handle_event(deps, decision("ApplicationLapsed", application_id, reasons=["fee not paid by 2026-12-15"]))
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.LAPSED and "cnic_claim" not in doc
    handle_event(deps, decision("RegistrationIssued", application_id, registration_number="n", valid_until="v"))
    assert doc["status"] == lifecycle.LAPSED
    submissions.submit(deps, application())  # the CNIC is free again


def test_the_one_stage_approval_of_earlier_versions_still_applies_on_replay(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationApproved", application_id, registration_number="PK-2025-000009",
                                valid_until="2026-06-01"))
    assert deps.applications.docs[application_id]["status"] == lifecycle.APPROVED


def test_the_voucher_is_kept_and_its_payment_shown(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    assert handle_event(deps, issued(application_id)) is None
    doc = deps.applications.docs[application_id]
    assert doc["voucher"] == {"number": "7711000000000013", "amount": 1000, "due_date": "2026-12-15",
                              "status": "unpaid"}
    handle_event(deps, voucher_event("FeePaid", application_id, amount=1000))
    handle_event(deps, issued(application_id))  # a late repeat of the issue does not make it unpaid again
    assert doc["voucher"]["status"] == "paid"


def test_a_payment_that_reaches_intake_before_the_voucher_ends_the_same(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, voucher_event("FeePaid", application_id))
    handle_event(deps, issued(application_id))
    assert deps.applications.docs[application_id]["voucher"] == {
        "number": "7711000000000013", "amount": 1000, "due_date": "2026-12-15", "status": "paid"}


def test_another_vouchers_settlement_does_not_touch_the_one_kept(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, issued(application_id))
    handle_event(deps, voucher_event("VoucherExpired", application_id, number="7711999999999990"))
    assert deps.applications.docs[application_id]["voucher"]["status"] == "unpaid"


def test_a_voucher_event_for_an_unknown_application_or_without_a_number_is_an_invalid_message(deps, application):
    with pytest.raises(InvalidMessage, match="unknown application"):
        handle_event(deps, issued("nobody"))
    application_id = submissions.submit(deps, application()).application_id
    with pytest.raises(InvalidMessage, match="voucher_number"):
        handle_event(deps, voucher_event("FeePaid", application_id, number=None))
    with pytest.raises(InvalidMessage, match="amount"):
        handle_event(deps, voucher_event("VoucherIssued", application_id, amount="1000", due_date="2026-12-15"))


def test_flagged_then_approved_once_each(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    flagged = decision("ApplicationFlagged", application_id, reasons=["province differs"])
    handle_event(deps, flagged)
    handle_event(deps, flagged)  # redelivered
    approved = decision("ApplicationApproved", application_id, registration_number="PK-2026-000001",
                        valid_until="2027-03-01")
    handle_event(deps, approved)
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.APPROVED and doc["decision"]["registration_number"] == "PK-2026-000001"
    assert [e["status"] for e in doc["timeline"]] == ["submitted", "in_review", "approved"]
    assert "cnic_claim" in doc  # a registration holds the CNIC
    with pytest.raises(submissions.DuplicateCnic):
        submissions.submit(deps, application())


def test_a_rejection_frees_the_cnic(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationRejected", application_id, reasons=["blocked"]))
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.REJECTED and doc["decision"] == {"reasons": ["blocked"]}
    assert "cnic_claim" not in doc
    submissions.submit(deps, application())


def test_a_decision_after_withdrawal_changes_nothing(deps, application):
    submitted = submissions.submit(deps, application())
    submissions.withdraw(deps, submitted.application)
    handle_event(deps, decision("ApplicationApproved", submitted.application_id,
                                             registration_number="n", valid_until="v"))
    assert deps.applications.docs[submitted.application_id]["status"] == lifecycle.WITHDRAWN


def test_a_flag_after_a_reviewer_decided_changes_nothing(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationRejected", application_id))
    handle_event(deps, decision("ApplicationFlagged", application_id))
    assert deps.applications.docs[application_id]["status"] == lifecycle.REJECTED


def test_a_decision_for_an_unknown_application_is_an_invalid_message(deps):
    with pytest.raises(InvalidMessage, match="unknown application"):
        handle_event(deps, decision("ApplicationFlagged", "nobody"))


def test_other_verification_events_are_not_intakes_business(deps):
    handle_event(deps, decision("ReviewerAssigned", "nobody"))
    assert deps.applications.docs == {}


def test_a_revocation_keeps_the_number_and_the_cnic_and_a_reinstatement_undoes_it(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    number = {"registration_number": "PK-2026-000003", "valid_until": "2027-12-01"}
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id))
    handle_event(deps, decision("RegistrationIssued", application_id, **number))
    revoked = decision("RegistrationRevoked", application_id, reasons=["Forged documents"], revoked_on="2027-01-05",
                       **number)
    handle_event(deps, revoked)
    handle_event(deps, revoked)  # redelivered
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.REVOKED and doc["decision"]["registration_number"] == "PK-2026-000003"
    assert doc["timeline"][-1]["reasons"] == ["Forged documents"] and "cnic_claim" in doc
    with pytest.raises(submissions.DuplicateCnic):  # a revoked CNIC stays blocked
        submissions.submit(deps, application())
    handle_event(deps, decision("RegistrationReinstated", application_id, status="expired", **number))
    assert doc["status"] == lifecycle.EXPIRED and doc["timeline"][-1]["note"] == "Reinstated by the board"
    handle_event(deps, revoked)  # a late redelivery of the revocation: already applied once
    assert doc["status"] == lifecycle.EXPIRED


def test_a_reinstatement_naming_another_status_is_an_invalid_message(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    with pytest.raises(InvalidMessage):
        handle_event(deps, decision("RegistrationReinstated", application_id, status="in_review"))


def test_with_revoked_cnics_unblocked_a_revocation_frees_the_cnic_and_a_reinstatement_claims_it_again(
        deps, application):
    import dataclasses
    deps = dataclasses.replace(deps, revoked_cnic_blocks=False)
    application_id = submissions.submit(deps, application()).application_id
    number = {"registration_number": "PK-2026-000004", "valid_until": "2027-12-01"}
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id))
    handle_event(deps, decision("RegistrationIssued", application_id, **number))
    handle_event(deps, decision("RegistrationRevoked", application_id, reasons=["Fraud"], **number))
    assert "cnic_claim" not in deps.applications.docs[application_id]
    handle_event(deps, decision("RegistrationReinstated", application_id, status="approved", **number))
    assert "cnic_claim" in deps.applications.docs[application_id]
    with pytest.raises(submissions.DuplicateCnic):
        submissions.submit(deps, application())


def test_a_withdrawal_while_the_fee_is_due_takes_effect_when_payments_cancels_the_voucher(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id))
    handle_event(deps, issued(application_id))
    asked = submissions.withdraw(deps, deps.applications.get(application_id))
    assert asked["status"] == lifecycle.AWAITING_PAYMENT
    doc = deps.applications.docs[application_id]
    assert doc["outbox"][-1]["event_type"] == "ApplicationWithdrawn" and "cnic_claim" in doc
    with pytest.raises(submissions.NotAllowed):  # asked once
        submissions.withdraw(deps, deps.applications.get(application_id))
    cancelled = voucher_event("VoucherCancelled", application_id)
    handle_event(deps, cancelled)
    handle_event(deps, cancelled)  # redelivered
    assert doc["status"] == lifecycle.WITHDRAWN and doc["voucher"]["status"] == "cancelled"
    assert "cnic_claim" not in doc and doc["timeline"][-1]["note"] == lifecycle.WITHDRAWN_WITH_VOUCHER
    assert submissions.submit(deps, application()).application_id != application_id


def test_a_payment_that_wins_the_race_with_a_withdrawal_registers_the_application(deps, application):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id))
    submissions.withdraw(deps, deps.applications.get(application_id))
    handle_event(deps, voucher_event("FeePaid", application_id))
    handle_event(deps, decision("RegistrationIssued", application_id, registration_number="PK-2026-000005",
                                valid_until="2027-12-01"))
    assert deps.applications.docs[application_id]["status"] == lifecycle.APPROVED
