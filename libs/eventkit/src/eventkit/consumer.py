"""The consume → handle → commit loop every worker runs (docs/architecture.md, "Consumers"; after Sentry's arroyo).

- Offsets are committed (offset+1) only after the handler's effect and the inbox record are stored.
- An event already in the inbox is skipped: redelivery is harmless.
- A failing handler is retried with backoff; a message that can never succeed (malformed,
  `InvalidMessage`, or still failing after the last attempt) goes to the group's
  dead-letter topic with its origin and error, and the stream keeps flowing.
- When the database or broker is down, nothing is dead-lettered: the loop rewinds to the
  first unfinished message and waits, so an outage delays work but never discards it.
- Too many dead letters in a row stops the consumer: that is a bug or a bad deploy, not bad data.
"""
import logging
import time
from collections.abc import Callable

from kafka.errors import CommitFailedError, KafkaError, RebalanceInProgressError
from kafka.structs import OffsetAndMetadata, TopicPartition
from pymongo.errors import ConnectionFailure

from eventkit.correlation import reset_correlation_id, set_correlation_id
from eventkit.dead_letters import dead_letter_headers
from eventkit.envelope import InvalidMessage, decode
from eventkit.inbox import Inbox
from eventkit.lifecycle import StopFlag
from eventkit.position import position_of, reset_position, set_position
from eventkit.metrics import DEAD_LETTERS, HANDLER_RETRIES, MESSAGES_HANDLED
from eventkit.topics import dead_letter_topic

log = logging.getLogger(__name__)

Handler = Callable[[dict], None]


class DependencyDown(Exception):
    """The database or the broker is unreachable: retry the same message later."""


class RejoinNeeded(Exception):
    """The group rebalanced under this member: start again with a fresh member (runners.run_consumer does)."""


class TooManyDeadLetters(Exception):
    """Stops the consumer: a run of dead letters means the code, not the data, is wrong."""


INFRASTRUCTURE_ERRORS = (ConnectionFailure, KafkaError)


class ConsumerLoop:
    def __init__(self, consumer, group: str, handler: Handler, inbox: Inbox, dead_letter_producer, *,
                 max_attempts: int = 4, backoff_seconds: float = 0.2, max_consecutive_dead_letters: int | None = 50,
                 dead_letter_to: str | None = None):
        self.consumer = consumer
        self.group = group
        self.handler = handler
        self.inbox = inbox
        self.producer = dead_letter_producer
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_consecutive_dead_letters = max_consecutive_dead_letters
        self.dead_letter_to = dead_letter_to or dead_letter_topic(group)
        self._consecutive_dead_letters = 0
        self.outcomes = {"handled": 0, "duplicate": 0, "dead_lettered": 0}  # what this loop did, for reports

    def run(self, stop: StopFlag, until: dict[TopicPartition, int] | None = None) -> None:
        """Consume until stopped, or (for a replay) until every partition in `until` reaches its offset."""
        log.info("consumer %s started", self.group)
        outage_backoff = 1.0
        try:
            while not stop.is_set and not self._caught_up(until):
                batches = self.consumer.poll(timeout_ms=500)
                try:
                    self._process(batches, stop)
                    outage_backoff = 1.0
                except DependencyDown as exc:
                    log.warning("dependency down, retrying in %.0fs: %s", outage_backoff, exc)
                    stop.wait(outage_backoff)
                    outage_backoff = min(outage_backoff * 2, 15.0)
        finally:
            self.consumer.close(autocommit=False)
            log.info("consumer %s stopped", self.group)

    def _caught_up(self, until) -> bool:
        if until is None:
            return False
        return all(self.consumer.position(tp) >= end for tp, end in until.items())

    def _process(self, batches: dict, stop: StopFlag) -> None:
        """Handle a poll's messages partition by partition; commit what finished, rewind the rest."""
        done: dict[TopicPartition, OffsetAndMetadata] = {}
        pending = {tp: list(messages) for tp, messages in batches.items()}
        try:
            for tp, messages in pending.items():
                while messages and not stop.is_set:
                    message = messages[0]
                    self._handle(message)
                    messages.pop(0)
                    done[tp] = OffsetAndMetadata(message.offset + 1, "", _epoch(message))
                    if self.max_consecutive_dead_letters is not None \
                            and self._consecutive_dead_letters > self.max_consecutive_dead_letters:
                        raise TooManyDeadLetters(
                            f"{self._consecutive_dead_letters} dead letters in a row in {self.group}")
        finally:
            for tp, messages in pending.items():
                if messages:
                    self.consumer.seek(tp, messages[0].offset)  # unfinished: read again on the next poll
            self._commit(done)

    def _commit(self, offsets: dict) -> None:
        if not offsets:
            return
        try:
            self.consumer.commit(offsets)
        except (CommitFailedError, RebalanceInProgressError) as exc:
            # The partition's (new) owner re-reads from the last commit; the inbox absorbs the repeats.
            log.warning("commit refused by a rebalance, rejoining the group: %s", exc)
            raise RejoinNeeded(str(exc)) from exc
        except KafkaError as exc:
            log.warning("commit failed, messages will be redelivered: %s", exc)

    def _handle(self, message) -> None:
        try:
            envelope = decode(message.value)
        except InvalidMessage as exc:
            self._dead_letter(message, exc)
            return
        token = set_correlation_id(envelope["correlation_id"])
        at = set_position(position_of(message))
        try:
            self._handle_envelope(message, envelope)
        finally:
            reset_position(at)
            reset_correlation_id(token)

    def _handle_envelope(self, message, envelope: dict) -> None:
        for attempt in range(1, self.max_attempts + 1):
            try:
                if self.inbox.already_processed(envelope["event_id"]):
                    MESSAGES_HANDLED.labels(self.group, "duplicate").inc()
                    self.outcomes["duplicate"] += 1
                    return
                self.handler(envelope)
                self.inbox.mark_processed(envelope)
                MESSAGES_HANDLED.labels(self.group, "handled").inc()
                self.outcomes["handled"] += 1
                self._consecutive_dead_letters = 0
                return
            except INFRASTRUCTURE_ERRORS as exc:
                raise DependencyDown(str(exc)) from exc
            except InvalidMessage as exc:
                self._dead_letter(message, exc)
                return
            except Exception as exc:  # noqa: BLE001 - any handler bug is retried, then dead-lettered
                if attempt == self.max_attempts:
                    self._dead_letter(message, exc)
                    return
                HANDLER_RETRIES.labels(self.group).inc()
                log.warning("handler failed on %s (attempt %d/%d): %r", envelope["event_id"], attempt,
                            self.max_attempts, exc)
                time.sleep(self.backoff_seconds * 2 ** (attempt - 1))

    def _dead_letter(self, message, error: BaseException) -> None:
        log.error("dead-lettering %s[%d]@%d to %s: %r", message.topic, message.partition, message.offset,
                  self.dead_letter_to, error)
        try:
            self.producer.send(self.dead_letter_to, key=message.key, value=message.value,
                               headers=dead_letter_headers(message, self.group, error)).get(timeout=30)
        except KafkaError as exc:
            raise DependencyDown(f"dead-letter topic unreachable: {exc}") from exc
        DEAD_LETTERS.labels(self.group).inc()
        MESSAGES_HANDLED.labels(self.group, "dead_lettered").inc()
        self.outcomes["dead_lettered"] += 1
        self._consecutive_dead_letters += 1


def _epoch(message) -> int:
    epoch = getattr(message, "leader_epoch", None)
    return -1 if epoch is None else epoch
