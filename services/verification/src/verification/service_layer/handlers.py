"""Verification's worker: what each of intake's application events does, in one table."""
from verification.service_layer import decisions, intake_events
from verification.service_layer.dependencies import Dependencies

GROUP = "verification-applications"


def receive_and_decide(deps: Dependencies, envelope: dict) -> None:
    """Store the submitted or amended application on its case, then decide the case if it waits for checks:
    also on a redelivery, since a crash after storing but before deciding leaves the case in "checking"."""
    case = intake_events.receive_application(deps, envelope)
    decisions.decide_automatically(deps, case, caused_by=envelope)


HANDLERS = {
    "ApplicationSubmitted": receive_and_decide,
    "ApplicationAmended": receive_and_decide,
    "ApplicationWithdrawn": intake_events.withdraw,
    "DocumentUploaded": intake_events.record_document,
}


def handle_application_event(deps: Dependencies, envelope: dict) -> None:
    """Apply one of intake's events; the other event types on the topic are not verification's business."""
    handler = HANDLERS.get(envelope["event_type"])
    if handler is not None:
        handler(deps, envelope)
