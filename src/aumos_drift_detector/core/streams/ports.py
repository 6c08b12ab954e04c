"""Ports of the ingest streams: stored consumer offsets, the dead-letter topic, the record decoder, the rows reader."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aumos_drift_detector.core.ingest.model import Upload
from aumos_drift_detector.core.streams.model import DeadLetter, Partition, StreamKind, StreamRecord
from aumos_drift_detector.core.streams.records import ObservationRecord, OutcomeRecord


class ConsumerOffsetRepository(Protocol):
    """The next offset to read of each partition, per consumer group, stored with the data it produced."""

    async def positions(self, group: str, partitions: Sequence[Partition]) -> dict[Partition, int]:
        """The stored next offsets of those partitions that have one."""
        ...

    async def advance(self, group: str, partition: Partition, *, expected: int | None, next_offset: int) -> None:
        """Stage the partition's next offset, provided the stored one is still ``expected``.

        Raises:
            ConflictError: Another consumer moved the partition on since ``expected`` was read (or
                stored a first offset while ``expected`` is ``None``): this batch must not be committed.
        """
        ...


class DeadLetterSink(Protocol):
    """The dead-letter topic: where records that cannot be applied go, with their original bytes."""

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        """Deliver every letter durably before returning.

        Raises:
            PublishError: A letter was not delivered.
        """
        ...


class RowsReader(Protocol):
    """Turns the ``rows`` of an observation record into an upload, by the same rules as a JSON upload."""

    def __call__(self, rows: Sequence[object]) -> Upload:
        """Read the rows (a list of JSON objects).

        Raises:
            ValidationError: A refused value or an unreadable row; the message names the column.
        """
        ...


class RecordDecoder(Protocol):
    """Decodes a record of a topic of the given kind, whatever its wire format (told by its content type)."""

    def __call__(self, record: StreamRecord, kind: StreamKind) -> ObservationRecord | OutcomeRecord:
        """Decode the record's value.

        Raises:
            RecordError: The value cannot be decoded (``unparseable``) or a field is missing or wrong
                (``invalid_record``); the message names the field.
        """
        ...
