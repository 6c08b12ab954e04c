"""The stored offsets of the ingest stream consumers, in ``drf_consumer_offsets``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.state_tables import ConsumerOffsetRow
from aumos_drift_detector.core.errors import ConflictError
from aumos_drift_detector.core.streams.model import Partition


class SqlAlchemyConsumerOffsetRepository:
    """Next offsets per consumer group and partition, advanced by compare-and-set.

    ``advance`` updates a row only where it still holds the expected offset (a first offset is an
    insert, which the primary key lets only one transaction make). On PostgreSQL a competing update
    waits for the other transaction and then finds the offset moved, so two consumers that both
    believe they own a partition can never both commit a batch of it.

    Args:
        session: The unit of work's session.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def positions(self, group: str, partitions: Sequence[Partition]) -> dict[Partition, int]:
        """The stored next offsets of those partitions that have one."""
        if not partitions:
            return {}
        wanted = [(partition.topic, partition.partition) for partition in partitions]
        query = select(ConsumerOffsetRow.topic, ConsumerOffsetRow.partition, ConsumerOffsetRow.next_offset).where(
            ConsumerOffsetRow.group_id == group,
            tuple_(ConsumerOffsetRow.topic, ConsumerOffsetRow.partition).in_(wanted),
        )
        with storage_errors("read consumer offsets"):
            rows = (await self._session.execute(query)).all()
        return {Partition(row.topic, row.partition): row.next_offset for row in rows}

    async def advance(self, group: str, partition: Partition, *, expected: int | None, next_offset: int) -> None:
        """Stage the next offset if the stored one is still ``expected``; else raise ``ConflictError``."""
        key = {"group_id": group, "topic": partition.topic, "partition": partition.partition}
        with storage_errors("store consumer offset"):
            if expected is None:
                await self._session.execute(insert(ConsumerOffsetRow).values(**key, next_offset=next_offset))
                return
            statement = (
                update(ConsumerOffsetRow)
                .where(
                    ConsumerOffsetRow.group_id == group,
                    ConsumerOffsetRow.topic == partition.topic,
                    ConsumerOffsetRow.partition == partition.partition,
                    ConsumerOffsetRow.next_offset == expected,
                )
                .values(next_offset=next_offset)
                .execution_options(synchronize_session=False)
            )
            updated = getattr(await self._session.execute(statement), "rowcount", 0)
        if updated != 1:
            raise ConflictError(
                f"partition {partition.topic}[{partition.partition}] was advanced by another consumer",
                details={**key, "expected": expected},
            )
