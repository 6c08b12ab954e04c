"""What a stream consumer reads and what applying a batch of it did."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class StreamKind(StrEnum):
    """What a topic carries."""

    OBSERVATIONS = "observations"
    OUTCOMES = "outcomes"


class DeadLetterReason(StrEnum):
    """Why a record went to the dead-letter topic instead of the database."""

    UNPARSEABLE = "unparseable"
    INVALID_RECORD = "invalid_record"
    UNKNOWN_MONITOR = "unknown_monitor"
    REJECTED = "rejected"


class Partition(NamedTuple):
    """One partition of one topic."""

    topic: str
    partition: int


@dataclass(frozen=True, slots=True)
class StreamRecord:
    """A record as read from a topic.

    Attributes:
        topic: The topic it was read from.
        partition: Its partition.
        offset: Its offset in the partition.
        key: The message key (the monitor id, so one monitor's records stay in order on one partition).
        value: The raw bytes of the record.
        content_type: The record's ``content-type`` header, if any (it tells JSON from Protobuf).
    """

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    content_type: str | None = None

    @property
    def position(self) -> Partition:
        """The partition it belongs to."""
        return Partition(self.topic, self.partition)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record that could not be applied, with the reason.

    Attributes:
        record: The original record (its bytes go to the dead-letter topic unchanged).
        reason: The reason's code.
        message: A sentence saying what was wrong, naming the field.
    """

    record: StreamRecord
    reason: DeadLetterReason
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    """What applying one polled batch did, all in one transaction.

    Attributes:
        applied: Records applied (rows stored or outcomes fed to a detector); a record addressed to a model
            counts once per monitor it was applied to.
        rows: Production rows stored.
        outcomes: Outcome values fed to concept detectors.
        skipped: Records at offsets already applied before (read again after a restart), not applied again.
        joined: Labels joined to their stored prediction.
        unknown_labels: Labels kept pending: their prediction is not (or no longer) stored.
        expired_predictions: Predictions dropped unlabelled after their time.
        dead_letters: Records sent to the dead-letter topic.
        positions: The next offset to read of each partition in the batch, as committed.
    """

    applied: int = 0
    rows: int = 0
    outcomes: int = 0
    skipped: int = 0
    joined: int = 0
    unknown_labels: int = 0
    expired_predictions: int = 0
    dead_letters: tuple[DeadLetter, ...] = ()
    positions: dict[Partition, int] = field(default_factory=dict)
