"""Prometheus counters of the event plumbing; the web app's /metrics shows them
(in multiprocess mode the workers and the web app share one metrics folder per service)."""
from prometheus_client import Counter

OUTBOX_PUBLISHED = Counter("outbox_events_published_total", "Events the outbox relay published", ["topic"])
OUTBOX_FAILED = Counter("outbox_events_failed_total", "Events the broker refused for good", ["topic"])
MESSAGES_HANDLED = Counter("consumer_messages_total", "Messages a consumer finished with", ["group", "outcome"])
HANDLER_RETRIES = Counter("consumer_retries_total", "Handler attempts that failed and were retried", ["group"])
DEAD_LETTERS = Counter("consumer_dead_letters_total", "Messages sent to the dead-letter topic", ["group"])
BATCH_FALLBACKS = Counter("consumer_batch_fallbacks_total",
                          "Batch handler calls that failed, their events then handled one by one", ["group"])
