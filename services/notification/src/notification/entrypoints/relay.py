"""Publishes the notifications' outbox to notification.events: `python -m notification.entrypoints.relay`."""
from eventkit.topics import NOTIFICATION_EVENTS
from notification.adapters.notifications import COLLECTION
from notification.config import Config
from servicekit.process import relay_main

if __name__ == "__main__":
    relay_main("notification", Config.from_env(), COLLECTION, NOTIFICATION_EVENTS)
