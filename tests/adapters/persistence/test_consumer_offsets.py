"""The stored consumer offsets, on memory, SQLite and PostgreSQL: positions per group, compare-and-set advances."""

from __future__ import annotations

import pytest

from aumos_drift_detector.core.errors import ConflictError
from aumos_drift_detector.core.streams.model import Partition
from tests.adapters.persistence.conftest import Storage

OBSERVATIONS = Partition("drift.observations", 0)
OUTCOMES = Partition("drift.outcomes", 2)


async def advance(storage: Storage, partition: Partition, expected: int | None, next_offset: int) -> None:
    async with storage.unit_of_work() as uow:
        await uow.consumer_offsets.advance("ingest", partition, expected=expected, next_offset=next_offset)
        await uow.commit()


async def positions(storage: Storage, group: str = "ingest") -> dict[Partition, int]:
    async with storage.unit_of_work() as uow:
        return await uow.consumer_offsets.positions(group, [OBSERVATIONS, OUTCOMES, Partition("drift.outcomes", 0)])


async def test_offsets_are_stored_per_group_and_partition(storage: Storage) -> None:
    assert await positions(storage) == {}
    await advance(storage, OBSERVATIONS, None, 40)
    await advance(storage, OUTCOMES, None, 7)
    await advance(storage, OBSERVATIONS, 40, 2**40)  # offsets outgrow 32 bits
    assert await positions(storage) == {OBSERVATIONS: 2**40, OUTCOMES: 7}
    assert await positions(storage, "another-group") == {}
    async with storage.unit_of_work() as uow:
        assert await uow.consumer_offsets.positions("ingest", []) == {}


async def test_an_advance_from_a_stale_offset_is_a_conflict_and_changes_nothing(storage: Storage) -> None:
    await advance(storage, OBSERVATIONS, None, 10)
    with pytest.raises(ConflictError, match=r"drift.observations\[0\] was advanced by another consumer"):
        await advance(storage, OBSERVATIONS, 5, 12)
    with pytest.raises(ConflictError):
        await advance(storage, OBSERVATIONS, None, 12)  # a first offset, but one is stored already
    assert await positions(storage) == {OBSERVATIONS: 10}


async def test_an_uncommitted_advance_is_rolled_back(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.consumer_offsets.advance("ingest", OUTCOMES, expected=None, next_offset=3)
    assert await positions(storage) == {}
