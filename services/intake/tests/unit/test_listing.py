"""The registrant leaves the public directory and joins it again, against the in-memory repositories: the choice
is kept on the application with ListingPreferenceChanged in the same write, only while the registration is in
force, once per change; the API and the status page's form refuse bad input with field-level messages and
change nothing."""
import base64
import datetime as dt

import pytest

from intake.service_layer import listing, submissions, views
from intake.service_layer.handlers import handle_event

from .conftest import NOW
from .test_renewals import decision, registered

KEY = base64.b64encode(bytes(32)).decode()
NUMBER = "PSEB-2026-000009-K"  # the registration test_renewals.registered issues


def outbox_of(deps, application_id, event_type="ListingPreferenceChanged"):
    return [e for e in deps.applications.docs[application_id]["outbox"] if e["event_type"] == event_type]


def test_unlisting_and_relisting_keep_the_choice_and_publish_each_change_once(deps, application):
    application_id = registered(deps, application, NOW + dt.timedelta(days=300))
    unlisted = listing.set_listed(deps, deps.applications.get(application_id), False)
    assert unlisted["public"]["listed"] is False and unlisted["status"] == "approved"
    [event] = outbox_of(deps, application_id)
    assert event["key"] == application_id and event["source"] == "intake"
    assert event["payload"] == {"application_id": application_id, "registration_number": NUMBER, "listed": False}
    assert views.applicant_view(deps, deps.applications.get(application_id))["listed"] is False

    listing.set_listed(deps, deps.applications.get(application_id), False)  # asked again: nothing more
    assert len(outbox_of(deps, application_id)) == 1
    relisted = listing.set_listed(deps, deps.applications.get(application_id), True)
    assert relisted["public"]["listed"] is True
    assert [e["payload"]["listed"] for e in outbox_of(deps, application_id)] == [False, True]


def test_two_requests_read_before_either_wrote_publish_one_event(deps, application):
    application_id = registered(deps, application, NOW + dt.timedelta(days=300))
    read_twice = deps.applications.get(application_id), deps.applications.get(application_id)
    for doc in read_twice:
        assert listing.set_listed(deps, doc, False)["public"]["listed"] is False
    assert len(outbox_of(deps, application_id)) == 1


def test_only_a_registration_in_force_can_change_it(deps, application):
    open_application = submissions.submit(deps, application()).application
    revoked = registered(deps, lambda: application(cnic="3520212345679"), NOW + dt.timedelta(days=300))
    handle_event(deps, decision("RegistrationRevoked", revoked, registration_number=NUMBER, valid_until="2027-01-01",
                                reasons=["Fraud"]))
    for doc in (open_application, deps.applications.get(revoked)):
        with pytest.raises(listing.NotListable):
            listing.set_listed(deps, doc, False)
        assert outbox_of(deps, doc["_id"]) == []


def test_a_registration_being_renewed_is_in_force(deps, application):
    application_id = registered(deps, application, NOW + dt.timedelta(days=10))
    deps.applications.docs[application_id]["status"] = "renewal_requested"
    assert listing.set_listed(deps, deps.applications.get(application_id), False)["public"]["listed"] is False


@pytest.fixture
def client(deps, monkeypatch):
    from intake.entrypoints import app as intake_app
    from intake.entrypoints.api import applications
    from intake.entrypoints.web import blueprint

    monkeypatch.setattr(applications, "intake_for", lambda config: deps)
    monkeypatch.setattr(blueprint, "intake_for", lambda config: deps)
    app = intake_app.create_app({"TESTING": True, "SETTINGS": {
        "pii_key": KEY, "event_pii_key": KEY, "cnic_index_key": KEY, "secret_key": "s", "service_token": "svc"}})
    app.extensions["rate_limiters"] = lambda bucket: Unlimited()  # the limits' counters live in the database
    return app.test_client()


class Unlimited:
    def hit(self, client):
        return None  # never "retry after"


@pytest.fixture
def registrant(deps, application):
    """(application id, access token) of a registration in force."""
    submitted = submissions.submit(deps, application())
    handle_event(deps, decision("ApplicationApprovedInPrinciple", submitted.application_id))
    handle_event(deps, decision("RegistrationIssued", submitted.application_id, registration_number=NUMBER,
                                valid_until="2027-02-28", expires_at="2027-03-01T09:30:00+00:00"))
    return submitted.application_id, submitted.access_token


def test_the_api_sets_the_choice(client, deps, registrant):
    application_id, token = registrant
    url, auth = f"/api/v1/applications/{application_id}/listing", {"Authorization": f"Bearer {token}"}
    response = client.put(url, json={"listed": False}, headers=auth)
    assert response.status_code == 200, response.json
    assert response.json == {"application_id": application_id, "registration_number": NUMBER, "listed": False}
    assert client.get(f"/api/v1/applications/{application_id}", headers=auth).json["listed"] is False
    assert client.put(url, json={"listed": True}, headers=auth).json["listed"] is True
    assert len(outbox_of(deps, application_id)) == 2


@pytest.mark.parametrize("body,field", [({}, "listed"), ({"listed": "no"}, "listed"), ({"listed": 0}, "listed"),
                                        ({"listed": None}, "listed"), ({"listed": False, "why": "x"}, "why")])
def test_the_api_refuses_bad_input_field_by_field_and_changes_nothing(client, deps, registrant, body, field):
    application_id, token = registrant
    response = client.put(f"/api/v1/applications/{application_id}/listing", json=body,
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and list(response.json["errors"]) == [field], response.json
    assert outbox_of(deps, application_id) == [] and deps.applications.docs[application_id]["public"]["listed"]


def test_the_api_wants_the_token_json_and_a_registration_in_force(client, deps, registrant, application):
    application_id, token = registrant
    url = f"/api/v1/applications/{application_id}/listing"
    assert client.put(url, json={"listed": False}).status_code == 401
    assert client.put(url, json={"listed": False}, headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.put(url, data="listed=false", headers={"Authorization": f"Bearer {token}"}).status_code == 415
    submitted = submissions.submit(deps, application(cnic="3520212345679"))
    refused = client.put(f"/api/v1/applications/{submitted.application_id}/listing", json={"listed": False},
                         headers={"Authorization": f"Bearer {submitted.access_token}"})
    assert refused.status_code == 409 and "no registration in force" in refused.json["message"]
    assert outbox_of(deps, application_id) == outbox_of(deps, submitted.application_id) == []


def post_listing(client, application_id, token, **form):
    with client.session_transaction() as session:
        session["csrf_token"] = "t"
    return client.post("/status/listing", data={"csrf_token": "t", "application_id": application_id,
                                                "access_token": token, **form})


def test_the_status_page_form_toggles_the_choice(client, deps, registrant):
    application_id, token = registrant
    page = post_listing(client, application_id, token, listed="no")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="listing-changed"' in html and 'data-listed="no"' in html
    assert 'name="listed" value="yes"' in html  # the button now lists it again
    assert outbox_of(deps, application_id)[-1]["payload"]["listed"] is False
    page = post_listing(client, application_id, token, listed="yes")
    assert page.status_code == 200 and 'data-listed="yes"' in page.get_data(as_text=True)
    assert [e["payload"]["listed"] for e in outbox_of(deps, application_id)] == [False, True]


def test_the_status_page_form_refuses_bad_input_and_needs_its_csrf_token(client, deps, registrant):
    application_id, token = registrant
    page = post_listing(client, application_id, token, listed="maybe")
    assert page.status_code == 422 and 'id="listing-error-listed"' in page.get_data(as_text=True)
    assert post_listing(client, application_id, "wrong", listed="no").status_code == 404
    no_csrf = client.post("/status/listing", data={"application_id": application_id, "access_token": token,
                                                   "listed": "no"})
    assert no_csrf.status_code == 400
    assert outbox_of(deps, application_id) == []
