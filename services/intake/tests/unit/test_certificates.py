"""The registrant's certificate from the status page, against the in-memory repositories: rendered from the
registration as it stands now (a renewal's new validity and date), only while one is in force."""
import dataclasses
import datetime as dt

import pytest

from intake.service_layer import certificates, renewals, submissions
from intake.service_layer.handlers import handle_event

from .conftest import NOW
from .test_renewals import PDF, at, decision, registered


@pytest.fixture
def printing(deps):
    """deps whose renderer records what it was asked to print."""
    printed = []

    def render(*fields, benefit):
        printed.append((*fields, benefit))
        return b"%PDF-certificate"
    return dataclasses.replace(deps, render_certificate=render, directory_public_url="https://registry.example.pk"), \
        printed


def test_the_certificate_carries_the_registration_as_it_stands_now(printing, application):
    deps, printed = printing
    expires_at = NOW + dt.timedelta(days=10)
    application_id = registered(deps, application, expires_at)
    assert certificates.certificate_of(deps, deps.applications.get(application_id)) == b"%PDF-certificate"
    later = at(deps, NOW + dt.timedelta(days=5))
    renewals.request_renewal(later, deps.applications.get(application_id), "application/pdf", PDF)
    handle_event(later, {**decision("RegistrationRenewed", application_id, registration_number="PSEB-2026-000009-K",
                                    valid_until="2027-12-10", expires_at="2027-12-11T00:00:00+00:00"),
                         "occurred_at": "2026-12-05T10:00:00Z"})
    certificates.certificate_of(deps, deps.applications.get(application_id))
    issued_today = dt.datetime.now(dt.timezone.utc).date().isoformat()  # RegistrationIssued's occurred_at
    assert printed[0][:2] == ("Ayesha Khan", "PSEB-2026-000009-K") and printed[0][3] == issued_today
    assert printed[1][3:6] == ("2026-12-05", "2027-12-10", "https://registry.example.pk/verify/PSEB-2026-000009-K")
    english, urdu = printed[1][6]  # what the registration is worth, in both languages
    assert "0.25%" in english and "0.25%" in urdu


def test_there_is_no_certificate_without_a_registration_in_force(printing, application):
    deps, printed = printing
    open_application = submissions.submit(deps, application()).application
    revoked = registered(deps, lambda: application(cnic="3520212345679"), NOW + dt.timedelta(days=10))
    handle_event(deps, decision("RegistrationRevoked", revoked, registration_number="PSEB-2026-000009-K",
                                valid_until="2027-01-01", reasons=["Fraud"]))
    for doc in (open_application, deps.applications.get(revoked)):
        with pytest.raises(certificates.NoCertificate):
            certificates.certificate_of(deps, doc)
    assert printed == []
