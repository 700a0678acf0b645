"""Verification's worker: each application event updates its case, then open cases are decided."""
from verification.bootstrap import verification_for
from verification.config import Config
from verification.service_layer import decisions, intake_events

GROUP = "verification-applications"


def handle_application_event(v, envelope: dict) -> None:
    event_type = envelope["event_type"]
    if event_type in ("ApplicationSubmitted", "ApplicationAmended"):
        intake_events.receive_application(v, envelope)
        # Also on a redelivery: a crash after storing but before deciding leaves the case in "checking".
        decisions.decide_automatically(v, envelope["key"], caused_by=envelope)
    elif event_type == "ApplicationWithdrawn":
        intake_events.withdraw(v, envelope)
    elif event_type == "DocumentUploaded":
        intake_events.record_document(v, envelope)


def application_event_handler(config: Config):
    """The handler the worker runs; verification's parts are built on the first event, after fork."""
    def handle(envelope: dict) -> None:
        handle_application_event(verification_for(config), envelope)
    return handle
