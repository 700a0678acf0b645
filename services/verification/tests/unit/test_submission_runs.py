"""A run of submissions handled together (the consumer loop's batch handler) has the effects of
handling them one by one: same states, reasons and events, duplicates inside the run caught as if the
earlier ones were decided first, redeliveries harmless. (Approvals are in principle: no number is drawn
until the fee is paid.)"""
import copy

from verification.service_layer import intake_events
from verification.service_layer.handlers import handle_application_event, handle_application_events


def _summary(deps):
    return {i: (c["state"], c["reasons"], (c["decision"] or {}).get("registration_number"),
                [e["event_type"] for e in c["outbox"]]) for i, c in deps.cases.cases.items()}


def _run(application_event):
    """Submissions mixing clean ones, a CNIC twice, an email shared across CNICs, and a minor."""
    return [application_event(cnic="3520212345672"), application_event(), application_event(email="both@x.pk"),
            application_event(cnic="3520212345672"), application_event(email="both@x.pk"),
            application_event(date_of_birth="2015-01-01"), application_event()]


def test_a_run_has_the_effects_of_one_by_one(deps, twin, application_event):
    run = _run(application_event)
    one_by_one = twin()
    for envelope in copy.deepcopy(run):
        handle_application_event(one_by_one, envelope)
    handle_application_events(deps, "ApplicationSubmitted", run)
    assert _summary(deps) == _summary(one_by_one)
    states = [s for s, *_ in _summary(deps).values()]
    assert states == ["awaiting_payment", "awaiting_payment", "awaiting_payment", "rejected", "in_review", "rejected",
                      "awaiting_payment"]
    assert all(n is None for _, _, n, _ in _summary(deps).values()) and deps.numbers.last == {}


def test_a_run_sees_the_cases_stored_before_it(deps, application_event):
    handle_application_event(deps, application_event(cnic="3520212345672"))
    duplicate = application_event(cnic="3520212345672")
    handle_application_events(deps, "ApplicationSubmitted", [duplicate, application_event()])
    assert deps.cases.get(duplicate["key"])["state"] == "rejected"


def test_a_redelivered_run_changes_nothing_and_finishes_what_a_crash_left(deps, twin, application_event):
    run = _run(application_event)
    handle_application_events(deps, "ApplicationSubmitted", run[:3])
    for envelope in run[3:]:
        intake_events.receive_application(deps, envelope)  # stored, then the worker died before deciding
    handle_application_events(deps, "ApplicationSubmitted", copy.deepcopy(run))
    summary = _summary(deps)
    one_by_one = twin()
    for envelope in copy.deepcopy(run):
        handle_application_event(one_by_one, envelope)
    assert summary == _summary(one_by_one)
    assert all(len(c["application_events"]) == 1 for c in deps.cases.cases.values())


def test_a_run_with_a_case_opened_by_its_amendment_handles_that_one_as_a_late_submission(deps, application_event):
    amendment = application_event("ApplicationAmended")
    handle_application_event(deps, amendment)
    late = application_event(application_id=amendment["key"])
    other = application_event()
    handle_application_events(deps, "ApplicationSubmitted", [late, other])
    assert deps.cases.get(other["key"])["state"] == "awaiting_payment"
    assert [e["action"] for e in deps.cases.get(late["key"])["audit"]][-1] == "amendment_ignored"

