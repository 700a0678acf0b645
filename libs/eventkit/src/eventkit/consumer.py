"""The consume → handle → commit loop every worker runs (docs/architecture.md, "Consumers"; after Sentry's arroyo).

A poll's records are handled as a batch, in a few round trips whatever its size:
- ONE inbox query finds which of the poll's events were handled before; those are skipped
  (redelivery is harmless), as is a second copy of an event within the poll.
- The handler runs for each new event, in partition order, with the record's correlation id
  and position set (eventkit.correlation, eventkit.position). A service may also register a
  batch handler for an event type (`batch_handlers={event_type: fn}`): it gets each run of
  consecutive new events of that type in one partition, as a list of `Incoming`, and applies
  their effects as bulk writes. Per-key order holds either way (a key lives in one partition).
- The inbox records of the handled events are stored with ONE unordered insert, then ONE
  offset commit per poll covers every record done. Offsets (offset+1) are committed only after
  the effects and the inbox records are stored.
- A failing handler is retried with backoff; a message that can never succeed (malformed,
  `InvalidMessage`, or still failing after the last attempt) goes to the group's dead-letter
  topic with its origin and error, and the stream keeps flowing. Before the first retry or a
  dead letter, the inbox records of the events already handled in the poll are stored, so a
  crash during the slow path does not make them run again. A batch handler that fails makes
  the loop handle that run record by record with the per-record handler (retries, dead letters).
- When the database or broker is down, nothing is dead-lettered: the loop stores what it can,
  commits the records done, rewinds to the first record that is not, and waits, so an outage
  delays work but never discards it.
- Too many dead letters in a row stops the consumer: that is a bug or a bad deploy, not bad data.
"""
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping

from kafka.errors import CommitFailedError, KafkaError, RebalanceInProgressError
from kafka.structs import TopicPartition
from pymongo.errors import ConnectionFailure, PyMongoError

from eventkit.correlation import reset_correlation_id, set_correlation_id
from eventkit.dead_letters import dead_letter_headers
from eventkit.envelope import InvalidMessage, decode
from eventkit.inbox import Inbox
from eventkit.lifecycle import StopFlag
from eventkit.metrics import BATCH_FALLBACKS, DEAD_LETTERS, HANDLER_RETRIES, MESSAGES_HANDLED
from eventkit.poll_progress import PollProgress
from eventkit.position import Position, position_of, reset_position, set_position
from eventkit.topics import dead_letter_topic

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Incoming:
    """A new event given to a batch handler, with the position of its record (what
    `current_position()` tells a per-record handler; its correlation id is in the envelope)."""
    envelope: dict
    position: Position


Handler = Callable[[dict], None]
BatchHandler = Callable[[list[Incoming]], None]
"""Applies the effects of several new events of one type, in the list's order, idempotently like a
per-record handler (a crash can run it again on some of them). It must have the same effects as the
per-record handler, which the loop falls back to when it raises."""


class DependencyDown(Exception):
    """The database or the broker is unreachable, or a service a handler asks (raising this): retry the same
    message later, for as long as it takes, never dead-lettering it."""


class RejoinNeeded(Exception):
    """The group rebalanced under this member: start again with a fresh member (runners.run_consumer does)."""


class TooManyDeadLetters(Exception):
    """Stops the consumer: a run of dead letters means the code, not the data, is wrong."""


INFRASTRUCTURE_ERRORS = (ConnectionFailure, KafkaError)


class ConsumerLoop:
    def __init__(self, consumer, group: str, handler: Handler, inbox: Inbox, dead_letter_producer, *,
                 max_attempts: int = 4, backoff_seconds: float = 0.2, max_consecutive_dead_letters: int | None = 50,
                 dead_letter_to: str | None = None, batch_handlers: Mapping[str, BatchHandler] | None = None):
        self.consumer = consumer
        self.group = group
        self.handler = handler
        self.batch_handlers = dict(batch_handlers or {})
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
        """Handle a poll's records; store their inbox records, commit what is done, rewind the rest."""
        progress = PollProgress(batches)
        if not progress.messages:
            return
        try:
            self._handle_poll(progress, stop)
            self._store_inbox_records(progress)
        except BaseException:
            if not progress.inbox_unreachable:
                try:
                    self._store_inbox_records(progress)  # keep what was handled before the failure
                except DependencyDown:
                    pass
            raise
        finally:
            for tp, offset in progress.rewind_positions().items():
                self.consumer.seek(tp, offset)  # not done: read again on the next poll
            self._commit(progress.committable())

    def _handle_poll(self, progress: PollProgress, stop: StopFlag) -> None:
        """One inbox query for the whole poll, then each partition's records in order (runs of a type with a
        batch handler together), until done or stopped."""
        decoded = {tp: [(message, _decoded(message)) for message in messages]
                   for tp, messages in progress.messages.items()}
        known = self._processed_among([envelope["event_id"] for records in decoded.values()
                                       for _, envelope in records if isinstance(envelope, dict)])
        for tp, records in decoded.items():
            index = 0
            while index < len(records) and not stop.is_set:
                message, envelope = records[index]
                batch_handler = self.batch_handlers.get(envelope["event_type"]) if isinstance(envelope, dict) else None
                if batch_handler is None:
                    self._handle_record(tp, message, envelope, known, progress)
                    index += 1
                else:
                    run = _run_of_one_type(records, index)
                    self._handle_run(tp, run, batch_handler, known, progress, stop)
                    index += len(run)

    def _processed_among(self, event_ids: list[str]) -> set[str]:
        """The poll's events handled before (one query); the poll is read again later if the inbox cannot answer."""
        try:
            return self.inbox.processed_among(event_ids)
        except PyMongoError as exc:
            raise DependencyDown(f"inbox unreadable: {exc}") from exc

    def _store_inbox_records(self, progress: PollProgress) -> None:
        """Store the inbox records of the events handled so far in this poll (one insert); they are then done."""
        records = progress.staged_records()
        if not records:
            return
        try:
            self.inbox.mark_all_processed(records)
        except PyMongoError as exc:
            progress.inbox_unreachable = True
            raise DependencyDown(f"inbox records not stored: {exc}") from exc
        progress.staged_stored()
        MESSAGES_HANDLED.labels(self.group, "handled").inc(len(records))
        self.outcomes["handled"] += len(records)

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

    def _is_new(self, envelope: dict, known: set[str], progress: PollProgress) -> bool:
        """Not handled before, nor earlier in this poll; a duplicate is counted and done."""
        return envelope["event_id"] not in known and envelope["event_id"] not in progress.handled_event_ids

    def _skip_duplicate(self, tp: TopicPartition, message, progress: PollProgress) -> None:
        MESSAGES_HANDLED.labels(self.group, "duplicate").inc()
        self.outcomes["duplicate"] += 1
        progress.done(tp, message)

    def _handle_record(self, tp: TopicPartition, message, envelope: dict | InvalidMessage, known: set[str],
                       progress: PollProgress) -> None:
        """One record with the per-record handler: dead letter, duplicate, or handled (its inbox record staged)."""
        if isinstance(envelope, InvalidMessage):
            self._dead_letter(message, envelope, progress)
            progress.done(tp, message)
        elif not self._is_new(envelope, known, progress):
            self._skip_duplicate(tp, message, progress)
        else:
            token = set_correlation_id(envelope["correlation_id"])
            at = set_position(position_of(message))
            try:
                handled = self._handle_envelope(message, envelope, progress)
            finally:
                reset_position(at)
                reset_correlation_id(token)
            if handled:
                progress.stage(tp, message, envelope["event_id"], self.inbox.record_of(envelope))
            else:
                progress.done(tp, message)
        self._stop_after_a_run_of_dead_letters()

    def _handle_envelope(self, message, envelope: dict, progress: PollProgress) -> bool:
        """Run the handler with retries; True when it succeeded, False when the message was dead-lettered."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                self.handler(envelope)
                self._consecutive_dead_letters = 0
                return True
            except DependencyDown:  # a handler's own dependency (another service) is down: wait it out
                raise
            except INFRASTRUCTURE_ERRORS as exc:
                raise DependencyDown(str(exc)) from exc
            except InvalidMessage as exc:
                self._dead_letter(message, exc, progress)
                return False
            except Exception as exc:  # noqa: BLE001 - any handler bug is retried, then dead-lettered
                if attempt == self.max_attempts:
                    self._dead_letter(message, exc, progress)
                    return False
                self._store_inbox_records(progress)  # the slow path: keep what this poll handled so far
                HANDLER_RETRIES.labels(self.group).inc()
                log.warning("handler failed on %s (attempt %d/%d): %r", envelope["event_id"], attempt,
                            self.max_attempts, exc)
                time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _handle_run(self, tp: TopicPartition, run: list, batch_handler: BatchHandler, known: set[str],
                    progress: PollProgress, stop: StopFlag) -> None:
        """Consecutive records of one event type, new ones through the batch handler in one call. If it
        raises (not an outage), the run is handled record by record with the per-record handler."""
        fresh = []
        for message, envelope in run:
            if self._is_new(envelope, known, progress):
                fresh.append((message, envelope))
            else:
                self._skip_duplicate(tp, message, progress)
        if not fresh:
            return
        try:
            batch_handler([Incoming(envelope, position_of(message)) for message, envelope in fresh])
        except DependencyDown:
            raise
        except INFRASTRUCTURE_ERRORS as exc:
            raise DependencyDown(str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - the per-record path retries and dead-letters what fails
            BATCH_FALLBACKS.labels(self.group).inc()
            log.warning("batch handler failed on %d %s events, handling them one by one: %r",
                        len(fresh), fresh[0][1]["event_type"], exc)
            for message, envelope in fresh:
                if stop.is_set:
                    return
                self._handle_record(tp, message, envelope, known, progress)
            return
        for message, envelope in fresh:
            progress.stage(tp, message, envelope["event_id"], self.inbox.record_of(envelope))
        self._consecutive_dead_letters = 0

    def _stop_after_a_run_of_dead_letters(self) -> None:
        if self.max_consecutive_dead_letters is not None \
                and self._consecutive_dead_letters > self.max_consecutive_dead_letters:
            raise TooManyDeadLetters(f"{self._consecutive_dead_letters} dead letters in a row in {self.group}")

    def _dead_letter(self, message, error: BaseException, progress: PollProgress) -> None:
        self._store_inbox_records(progress)  # first keep what this poll handled so far
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


def _decoded(message) -> dict | InvalidMessage:
    """The record's envelope, or the reason it has none."""
    try:
        return decode(message.value)
    except InvalidMessage as exc:
        return exc


def _run_of_one_type(records: list, start: int) -> list:
    """The records from `start` on that carry valid envelopes of one event type, each event once."""
    event_type, seen, end = records[start][1]["event_type"], set(), start
    while end < len(records):
        envelope = records[end][1]
        if not isinstance(envelope, dict) or envelope["event_type"] != event_type or envelope["event_id"] in seen:
            break
        seen.add(envelope["event_id"])
        end += 1
    return records[start:end]
