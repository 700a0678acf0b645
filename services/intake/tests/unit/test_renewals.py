"""Asking for renewal, against the in-memory repositories: only a registration, only within its window
(from RENEWAL_OPENS_DAYS_BEFORE before the expiry to RENEWAL_GRACE_DAYS after), with the PRC noted and
RenewalRequested published; verification's answer moves it on; the grace period's end frees the CNIC."""
import dataclasses
import datetime as dt

import pytest

from eventkit.envelope import new_event
from intake.domain import application as lifecycle
from intake.service_layer import renewals, submissions, views
from intake.service_layer.handlers import handle_event

from .conftest import NOW

PDF = b"%PDF-1.4 proceeds realisation certificate"


def decision(event_type, application_id, **payload):
    return new_event(event_type, application_id, {"application_id": application_id, **payload},
                     source="verification")


def registered(deps, application, expires_at):
    application_id = submissions.submit(deps, application()).application_id
    handle_event(deps, decision("ApplicationApprovedInPrinciple", application_id))
    handle_event(deps, decision("RegistrationIssued", application_id, registration_number="PSEB-2026-000009-K",
                                valid_until=(expires_at - dt.timedelta(microseconds=1)).date().isoformat(),
                                expires_at=expires_at.isoformat()))
    return application_id


def at(deps, when):
    return dataclasses.replace(deps, clock=lambda: when)


def test_renewal_opens_sixty_days_before_the_expiry_and_closes_thirty_after(deps, application):
    expires_at = NOW + dt.timedelta(days=90)
    application_id = registered(deps, application, expires_at)
    doc = deps.applications.get(application_id)
    assert views.renewal_of(deps, doc) == {"opens_at": expires_at - dt.timedelta(days=60),
                                           "closes_at": expires_at + dt.timedelta(days=30), "open": False,
                                           "ended": False}
    with pytest.raises(renewals.RenewalClosed):
        renewals.request_renewal(deps, doc, "application/pdf", PDF)
    late = at(deps, expires_at + dt.timedelta(days=30))
    with pytest.raises(renewals.RenewalClosed):
        renewals.request_renewal(late, doc, "application/pdf", PDF)
    assert views.renewal_of(late, doc)["ended"] is True

    renewing = renewals.request_renewal(at(deps, expires_at - dt.timedelta(days=59)), doc, "application/pdf", PDF)
    assert renewing["status"] == lifecycle.RENEWAL_REQUESTED and renewing["documents"]["prc"]["size"] == len(PDF)
    event = renewing["outbox"][-1]
    assert event["event_type"] == "RenewalRequested" and event["payload"]["registration_number"] == "PSEB-2026-000009-K"
    assert event["payload"]["documents"] == [{"kind": "prc", "content_type": "application/pdf", "size": len(PDF)}]
    assert deps.documents.get(application_id, "prc")[1] == PDF
    assert "cnic_claim" in deps.applications.docs[application_id]
    with pytest.raises(renewals.NotRenewable):  # asked already
        renewals.request_renewal(deps, renewing, "application/pdf", PDF)


def test_an_open_or_rejected_application_cannot_be_renewed(deps, application):
    doc = submissions.submit(deps, application()).application
    with pytest.raises(renewals.NotRenewable):
        renewals.request_renewal(deps, doc, "application/pdf", PDF)
    assert views.renewal_of(deps, doc) is None


def test_renewed_or_refused_verification_moves_it_on(deps, application):
    expires_at = NOW + dt.timedelta(days=10)
    application_id = registered(deps, application, expires_at)
    renewals.request_renewal(deps, deps.applications.get(application_id), "application/pdf", PDF)
    handle_event(deps, decision("RegistrationRenewed", application_id, registration_number="PSEB-2026-000009-K",
                                valid_until="2027-03-10", expires_at="2027-03-11T09:30:00+00:00"))
    doc = deps.applications.docs[application_id]
    assert doc["status"] == lifecycle.APPROVED and doc["decision"]["valid_until"] == "2027-03-10"
    assert doc["timeline"][-1]["note"] == "Renewed"

    other = registered(deps, lambda: application(cnic="3520212345679"), expires_at)
    renewals.request_renewal(deps, deps.applications.get(other), "application/pdf", PDF)
    handle_event(deps, decision("RenewalRejected", other, registration_number="PSEB-2026-000010-B",
                                valid_until="2026-03-10", status="expired", reasons=["The PRC is not yours."]))
    doc = deps.applications.docs[other]
    assert doc["status"] == lifecycle.EXPIRED and doc["timeline"][-1]["reasons"] == ["The PRC is not yours."]


def test_the_end_of_the_grace_period_frees_the_cnic_once(deps, application):
    application_id = registered(deps, application, NOW)
    handle_event(deps, decision("RegistrationExpired", application_id, registration_number="PSEB-2026-000009-K",
                                valid_until="2026-02-28"))
    with pytest.raises(submissions.DuplicateCnic):
        submissions.submit(deps, application())
    ended = decision("RenewalGraceEnded", application_id, registration_number="PSEB-2026-000009-K")
    handle_event(deps, ended)
    handle_event(deps, ended)
    doc = deps.applications.docs[application_id]
    assert "cnic_claim" not in doc and doc["status"] == lifecycle.EXPIRED
    assert [e["note"] for e in doc["timeline"]].count("The renewal period ended: you may apply again") == 1
    assert submissions.submit(deps, application()).application_id != application_id
