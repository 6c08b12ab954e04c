"""In-memory fakes of the stream ports, for unit tests of the use cases."""

from __future__ import annotations

from collections.abc import Sequence

from aumos_drift_detector.core.errors import ConflictError, PublishError
from aumos_drift_detector.core.staged_table import StagedTable
from aumos_drift_detector.core.streams.model import DeadLetter, Partition

#: The key of a stored offset: consumer group, topic, partition.
OffsetKey = tuple[str, str, int]


class InMemoryConsumerOffsetRepository:
    """Stored next offsets in memory, with the compare-and-set of the database adapter.

    Args:
        offsets: The transaction's view of the stored offsets.
    """

    def __init__(self, offsets: StagedTable[OffsetKey, int]) -> None:
        self._offsets = offsets

    async def positions(self, group: str, partitions: Sequence[Partition]) -> dict[Partition, int]:
        """The stored next offsets of those partitions that have one."""
        found = {partition: self._offsets.get((group, *partition)) for partition in partitions}
        return {partition: offset for partition, offset in found.items() if offset is not None}

    async def advance(self, group: str, partition: Partition, *, expected: int | None, next_offset: int) -> None:
        """Stage the next offset if the stored one is still ``expected``; else raise ``ConflictError``."""
        key = (group, *partition)
        if self._offsets.get(key) != expected:
            raise ConflictError(
                f"partition {partition.topic}[{partition.partition}] was advanced by another consumer",
                details={"group": group, "topic": partition.topic, "partition": partition.partition},
            )
        self._offsets.put(key, next_offset)


class InMemoryDeadLetterSink:
    """Keeps the dead letters it is sent; ``failing`` makes every send raise ``PublishError``.

    Attributes:
        letters: The letters delivered, in order.
        failing: Whether sends fail.
    """

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []
        self.failing = False

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        """Keep the letters, or raise ``PublishError`` when failing."""
        if letters and self.failing:
            raise PublishError("dead-letter topic unavailable")
        self.letters.extend(letters)
