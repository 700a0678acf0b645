"""The registrant un-lists themselves from the public directory and lists themselves again (intake's
ListingPreferenceChanged), against in-memory repositories: the choice is kept on the case and passed on to the
directory as RegistrationUnlisted / RegistrationRelisted, once per intake event; a renewal afterwards carries it;
an event naming another registration changes nothing; one for an unknown application or without its fields is
an invalid message."""
import datetime as dt

import pytest

from eventkit.envelope import InvalidMessage, new_event
from verification.service_layer.handlers import HANDLERS, handle_application_event

from .test_renewals import fee_event, outbox, renewal_request


def preference(application_id, registration_number, listed):
    return new_event("ListingPreferenceChanged", application_id, {
        "application_id": application_id, "registration_number": registration_number, "listed": listed},
        source="intake")


def number_of(deps, application_id):
    return deps.cases.get(application_id)["decision"]["registration_number"]


def test_the_table_handles_the_preference():
    assert "ListingPreferenceChanged" in HANDLERS


def test_unlisting_then_relisting_emits_one_event_each_even_when_redelivered(deps, registered):
    application_id = registered()
    number = number_of(deps, application_id)
    unlist = preference(application_id, number, False)
    handle_application_event(deps, unlist)
    handle_application_event(deps, unlist)  # redelivered: nothing more
    case = deps.cases.get(application_id)
    assert case["public"]["listed"] is False and case["state"] == "approved"
    [unlisted] = outbox(deps, application_id, "RegistrationUnlisted")
    assert unlisted["payload"] == {"application_id": application_id, "registration_number": number}
    assert unlisted["key"] == application_id and unlisted["causation_id"] == unlist["event_id"]
    assert unlisted["correlation_id"] == unlist["correlation_id"]
    assert case["audit"][-1]["action"] == "unlisted" and case["audit"][-1]["actor"] == "applicant"

    relist = preference(application_id, number, True)
    handle_application_event(deps, relist)
    handle_application_event(deps, relist)
    assert deps.cases.get(application_id)["public"]["listed"] is True
    assert len(outbox(deps, application_id, "RegistrationRelisted")) == 1
    assert deps.cases.events(application_id)[-2:] == ["RegistrationUnlisted", "RegistrationRelisted"]


def test_a_renewal_after_unlisting_leaves_the_registration_out_of_the_directory(deps, registered):
    application_id = registered()
    handle_application_event(deps, preference(application_id, number_of(deps, application_id), False))
    deps.clock.at = deps.cases.get(application_id)["expires_at"] - dt.timedelta(days=20)
    handle_application_event(deps, renewal_request(deps, application_id))
    [approved] = outbox(deps, application_id, "RenewalApprovedInPrinciple")
    handle_application_event(deps, fee_event("FeePaid", application_id, approved["payload"]["fee_cycle"]))
    [renewed] = outbox(deps, application_id, "RegistrationRenewed")
    assert renewed["payload"]["listed"] is False


def test_a_preference_naming_another_registration_changes_nothing(deps, registered, application_event):
    application_id = registered()
    before = deps.cases.get(application_id)
    handle_application_event(deps, preference(application_id, "PSEB-2026-999999-X", False))
    assert deps.cases.get(application_id) == before
    open_case = application_event()
    handle_application_event(deps, open_case)  # approved in principle: no number yet
    handle_application_event(deps, preference(open_case["key"], "PSEB-2026-000001-A", False))
    assert "RegistrationUnlisted" not in deps.cases.events(open_case["key"])


@pytest.mark.parametrize("payload", [{"registration_number": "PSEB-2026-000001-A"},
                                     {"registration_number": "PSEB-2026-000001-A", "listed": "no"},
                                     {"listed": False}])
def test_a_preference_without_its_fields_or_for_an_unknown_application_is_an_invalid_message(deps, registered,
                                                                                              payload):
    application_id = registered()
    with pytest.raises(InvalidMessage):
        handle_application_event(deps, new_event("ListingPreferenceChanged", application_id,
                                                 {"application_id": application_id, **payload}, source="intake"))
    with pytest.raises(InvalidMessage, match="unknown application"):
        handle_application_event(deps, preference("nobody", "PSEB-2026-000001-A", False))
