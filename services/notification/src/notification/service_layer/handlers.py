"""Notification's worker: application and decision events become messages to the applicant."""
from notification.bootstrap import notification_for
from notification.config import Config
from notification.service_layer.notify import handle_event

GROUP = "notification"


def event_handler(config: Config):
    """The handler the worker runs; notification's parts are built on the first event, after fork."""
    def handle(envelope: dict) -> None:
        handle_event(notification_for(config), envelope)
    return handle
