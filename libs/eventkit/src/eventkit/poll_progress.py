"""What became of one poll's records, so the consumer loop knows what to commit and where to rewind.

A record is *open* until the loop is finished with it, *staged* when its handler succeeded but
its inbox record is not stored yet, and *done* when nothing about it is left to store (handled
and recorded, a duplicate, or dead-lettered). A partition's commit position is its first record
that is not done: records can be finished out of order (a batch handler's run), but the offset
never passes one still open or staged. After a failure the loop seeks back to that same position,
so whatever was not done is read again on the next poll.
"""
from kafka.structs import OffsetAndMetadata, TopicPartition


class PollProgress:
    def __init__(self, batches: dict):
        self.messages: dict[TopicPartition, list] = {tp: list(messages) for tp, messages in batches.items() if messages}
        self._done: set[tuple[TopicPartition, int]] = set()
        self._staged: list[tuple[TopicPartition, int, dict]] = []  # (partition, offset, inbox record)
        self.handled_event_ids: set[str] = set()  # handled in this poll: a later copy is a duplicate
        self.inbox_unreachable = False  # storing the staged records failed once: don't wait for it again

    def done(self, tp: TopicPartition, message) -> None:
        self._done.add((tp, message.offset))

    def stage(self, tp: TopicPartition, message, event_id: str, inbox_record: dict) -> None:
        self._staged.append((tp, message.offset, inbox_record))
        self.handled_event_ids.add(event_id)

    def staged_records(self) -> list[dict]:
        return [record for _, _, record in self._staged]

    def staged_stored(self) -> None:
        """The staged inbox records are stored: their records are done."""
        self._done.update((tp, offset) for tp, offset, _ in self._staged)
        self._staged.clear()

    def _first_not_done(self, tp: TopicPartition) -> int | None:
        """Index in the poll of the partition's first record not done (None when all are)."""
        for index, message in enumerate(self.messages[tp]):
            if (tp, message.offset) not in self._done:
                return index
        return None

    def committable(self) -> dict[TopicPartition, OffsetAndMetadata]:
        """Offsets to commit: past the records done, up to the first one that is not."""
        offsets = {}
        for tp, messages in self.messages.items():
            first_open = self._first_not_done(tp)
            last_done = len(messages) - 1 if first_open is None else first_open - 1
            if last_done >= 0:
                message = messages[last_done]
                offsets[tp] = OffsetAndMetadata(message.offset + 1, "", _epoch(message))
        return offsets

    def rewind_positions(self) -> dict[TopicPartition, int]:
        """Where to seek so the records not done are read again on the next poll."""
        positions = {}
        for tp, messages in self.messages.items():
            first_open = self._first_not_done(tp)
            if first_open is not None:
                positions[tp] = messages[first_open].offset
        return positions


def _epoch(message) -> int:
    epoch = getattr(message, "leader_epoch", None)
    return -1 if epoch is None else epoch
