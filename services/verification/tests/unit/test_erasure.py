"""ApplicationErased with fakes: the case keeps its state, decision and audit trail and nothing the applicant
filed (sealed or not, nor the blind indexes that would find them again); ErasureCompleted reports it once; a
replayed submission whose keys are destroyed stores nothing."""
import json

from eventkit.envelope import new_event
from servicekit.crypto import KeyErased
from verification.service_layer.handlers import handle_application_event


def erased_event(application_id):
    return new_event("ApplicationErased", application_id, {"application_id": application_id, "cause": "applicant"},
                     source="intake")


def test_an_erased_case_keeps_its_decision_and_nothing_personal(deps, application_event):
    submitted = application_event(full_name="Zainab Qureshi", email="zainab.q@example.pk")
    handle_application_event(deps, submitted)
    application_id = submitted["key"]
    state = deps.cases.cases[application_id]["state"]
    erasure = erased_event(application_id)
    handle_application_event(deps, erasure)
    handle_application_event(deps, erasure)  # redelivered
    case = deps.cases.cases[application_id]
    stored = json.dumps(case, default=str)
    assert "Zainab" not in stored and "zainab" not in stored and submitted["payload"]["sealed"] not in stored
    assert "indexes" not in case and "search_tokens" not in case and case["state"] == state
    assert case["decision"] is not None  # the board's decision stays
    reports = [e for e in case["outbox"] if e["event_type"] == "ErasureCompleted"]
    assert len(reports) == 1 and reports[0]["payload"] == {"application_id": application_id,
                                                           "service": "verification", "registration_number": None}
    assert reports[0]["causation_id"] == erasure["event_id"]


def test_a_replayed_submission_of_an_erased_applicant_stores_nothing(deps, application_event):
    submitted = application_event()

    class ErasedKeys:
        def unseal(self, sealed):
            raise KeyErased(submitted["key"])

    erased = deps.__class__(**{**deps.__dict__, "events_keyring": ErasedKeys()})
    handle_application_event(erased, submitted)
    assert submitted["key"] not in deps.cases.cases
