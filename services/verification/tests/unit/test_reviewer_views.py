"""What reviewers see, in the service layer against in-memory repositories: the queue's pages and
search, a case with its personal data, and every look written to the case's audit log."""
import datetime as dt

import pytest

from servicekit.cursors import decode_cursor
from verification.service_layer import decisions, views
from verification.service_layer.handlers import handle_application_event


def test_the_queue_pages_through_every_pending_case_oldest_first(deps, flagged):
    ids = [flagged() for _ in range(5)]
    seen, cursor = [], None
    while True:
        page = views.queue(deps, "pending", 2, cursor)
        seen += [item["application_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert decode_cursor(cursor)[1] == seen[-1]
    assert seen == ids


def test_the_queue_finds_a_case_by_id_or_by_the_start_of_name_words(deps, flagged):
    bilal = flagged(full_name="Bilal Ahmed Qureshi")
    zainab = flagged(full_name="Zaïnab Qureshi")
    found = lambda q: [i["application_id"] for i in views.queue(deps, "pending", 50, None, q)["items"]]  # noqa: E731
    assert found(bilal) == [bilal]
    assert found("qures") == [bilal, zainab]
    assert found("BIL qur") == [bilal]
    assert found("zainab") == [zainab]  # accents folded
    assert found("ahmed bilal") == [bilal]  # words in any order
    assert found("lal") == []  # the start of a word, not any part of it
    assert found("  ") == [bilal, zainab]  # no search: the whole queue


def test_names_in_urdu_script_are_found_by_their_words(deps, flagged):
    ayesha = flagged(full_name="عائشہ خان")
    found = lambda q: [i["application_id"] for i in views.queue(deps, "pending", 50, None, q)["items"]]  # noqa: E731
    assert found("خان") == [ayesha] and found("عائ") == [ayesha] and found("خانم") == []


def test_a_bad_cursor_is_a_value_error(deps):
    with pytest.raises(ValueError):
        views.queue(deps, "pending", 10, "garbage!")


def test_a_look_at_a_case_is_audited_and_shows_the_personal_data(deps, flagged):
    application_id = flagged()
    view = views.case_view(deps, application_id, "ayesha")
    assert view["applicant"]["email"] == "shared@example.pk" and view["state"] == "in_review"
    assert view["audit"][-1]["actor"] == "reviewer:ayesha" and view["audit"][-1]["action"] == "case_viewed"
    views.case_view(deps, application_id, "ayesha", audited=False)
    assert [e["action"] for e in views.audit_log(deps, application_id)].count("case_viewed") == 1


def test_a_document_look_is_fetched_from_intake_and_audited(deps, flagged):
    application_id = flagged()
    with pytest.raises(decisions.CaseNotFound):
        views.document(deps, application_id, "cnic_front", "ayesha")  # not uploaded
    deps.cases.record_document(application_id, {"kind": "cnic_front", "content_type": "image/png", "size": 4})
    content_type, chunks = views.document(deps, application_id, "cnic_front", "ayesha")
    assert (content_type, b"".join(chunks)) == ("image/png", b"\x89PNG")
    assert deps.documents.fetched == [(application_id, "cnic_front")]
    assert views.audit_log(deps, application_id)[-1]["detail"] == "cnic_front"


def test_unknown_cases_are_not_found(deps):
    for look in (lambda: views.case_view(deps, "nope", "ayesha"), lambda: views.audit_log(deps, "nope")):
        with pytest.raises(decisions.CaseNotFound):
            look()


def found(deps, q=None, state="pending", **filters):
    return [i["application_id"] for i in views.queue(deps, state, 50, None, q, reviewer="ayesha", **filters)["items"]]


def test_a_cnic_is_found_through_its_blind_index_in_any_state_and_either_written_form(deps, flagged, registered):
    cnic = "3520212345671"
    bilal = flagged(cnic=cnic)
    flagged()
    assert found(deps, cnic) == [bilal] and found(deps, "35202-1234567-1") == [bilal]
    assert found(deps, "35202-1234567-1", state="decided") == [bilal]  # an identity is looked up everywhere
    assert "3520212345671" not in str(deps.cases.get(bilal))  # stored only sealed and as its blind index


def test_a_registration_number_is_found_whatever_the_tab(deps, flagged, registered):
    application_id = registered()
    number = deps.cases.get(application_id)["decision"]["registration_number"]
    flagged()
    assert found(deps, number) == [application_id] and found(deps, number.lower().replace("-", " ")) == [application_id]


def test_filters_narrow_the_queue_by_flag_province_and_waiting_time(deps, flagged):
    lahore = flagged()
    quetta = flagged(province="Balochistan", city="Quetta")
    assert found(deps, province="Balochistan") == [quetta]
    assert found(deps, flag="shared_contact") == [lahore, quetta] and found(deps, flag="age") == []
    deps.clock.at += dt.timedelta(days=3)
    recent = flagged()
    assert found(deps, waiting_days=2) == [lahore, quetta] and recent in found(deps)


def test_a_case_lists_the_applicants_other_cases_under_the_same_cnic(deps, flagged, application_event):
    first = flagged(cnic="3520212345671")
    again = application_event(cnic="3520212345671")
    handle_application_event(deps, again)
    assert [h["application_id"] for h in views.case_view(deps, again["key"], "ayesha")["history"]] == [first]
    assert views.case_view(deps, first, "ayesha")["history"] == [{
        "application_id": again["key"], "state": deps.cases.get(again["key"])["state"],
        "received_at": deps.cases.get(again["key"])["received_at"], "registration_number": None}]


def test_every_look_tells_the_applicant_the_role_and_never_the_name(deps, flagged):
    case_id = flagged()
    views.case_view(deps, case_id, "ayesha.reviewer", role="auditor")
    views.case_view(deps, case_id, "ayesha.reviewer", audited=False)  # confirming a decision: not a look
    looks = [e for e in deps.cases.get(case_id)["outbox"] if e["event_type"] == "RecordViewed"]
    assert [(e["payload"]["role"], e["payload"]["what"]) for e in looks] == [("auditor", "case")]
    assert "ayesha" not in str(looks)
