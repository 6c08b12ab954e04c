"""Reading back stored batches with their receipt times (the backtest's history), the same on every backend."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
import pytest

from tests.adapters.persistence.conftest import Storage
from tests.adapters.persistence.test_repositories import T0, _add, make_monitor

pytestmark = pytest.mark.integration
HOUR = timedelta(hours=1)


async def _store(storage: Storage, monitor_id, batches: list[tuple[timedelta, dict]], tenant: str = "acme") -> None:
    async with storage.unit_of_work() as uow:
        for offset, columns in batches:
            await uow.observations.add_batch(
                tenant, monitor_id, pa.table(columns), idempotency_key=None, digest="d", received_at=T0 + offset
            )
        await uow.commit()


async def test_batches_come_back_oldest_first_within_the_range(storage: Storage) -> None:
    monitor, other = make_monitor(), make_monitor()
    await _add(storage, monitor)
    await _add(storage, other)
    await _store(
        storage,
        monitor.id,
        [
            (2 * HOUR, {"age": [3.0], "plan": ["c"]}),
            (0 * HOUR, {"age": [1.0, 1.5], "plan": ["a", "a"]}),
            (1 * HOUR, {"age": [2.0]}),  # stored before 'plan' was a feature
            (3 * HOUR, {"age": [4.0], "plan": ["d"]}),
        ],
    )
    await _store(storage, other.id, [(HOUR, {"age": [9.0], "plan": ["z"]})])
    async with storage.unit_of_work() as uow:
        everything = await uow.observations.received_batches(
            "acme", monitor.id, columns=["plan", "age"], since=None, until=None
        )
        middle = await uow.observations.received_batches(
            "acme", monitor.id, columns=["age"], since=T0 + HOUR, until=T0 + 3 * HOUR
        )
        counts = [
            await uow.observations.received_rows("acme", monitor.id, since=since, until=until)
            for since, until in ((None, None), (T0 + HOUR, T0 + 3 * HOUR), (T0 + 4 * HOUR, None))
        ]
        foreign = await uow.observations.received_rows("globex", monitor.id, since=None, until=None)
    assert [batch.received_at for batch in everything] == [T0 + offset * HOUR for offset in range(4)]
    assert [batch.table.to_pydict() for batch in everything] == [
        {"plan": ["a", "a"], "age": [1.0, 1.5]},
        {"plan": [None], "age": [2.0]},
        {"plan": ["c"], "age": [3.0]},
        {"plan": ["d"], "age": [4.0]},
    ]
    assert [batch.table.to_pydict() for batch in middle] == [{"age": [2.0]}, {"age": [3.0]}]
    assert (counts, foreign) == ([5, 2, 0], 0)
