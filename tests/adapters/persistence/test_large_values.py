"""Large values (profiles, observation batches) are read back whole on every storage; on PostgreSQL,
where they are written a slice at a time through a large object, none outlives its transaction; on
SQLite they are written a slice at a time into the row's zero blob, and a rollback leaves no row."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import uuid
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import text

from aumos_drift_detector.adapters.persistence import large_values
from aumos_drift_detector.adapters.persistence.large_values import SLICE_BYTES, SMALL_VALUE_BYTES
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from tests.adapters.persistence.conftest import Storage
from tests.adapters.persistence.test_repositories import T0, _add, make_monitor

pytestmark = pytest.mark.integration


def _reference(monitor_id: uuid.UUID, profile: bytes) -> ReferenceDataset:
    return ReferenceDataset(
        id=uuid.uuid4(),
        tenant_id="acme",
        monitor_id=monitor_id,
        version=1,
        rows=10,
        checksum="0" * 64,
        content_type="text/csv",
        columns=("age", "plan"),
        profile=profile,
        uploaded_by="olga",
        created_at=T0,
    )


async def _large_objects(storage: Storage) -> int:
    async with storage.unit_of_work() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        return int((await uow.session.execute(text("SELECT count(*) FROM pg_largeobject_metadata"))).scalar_one())


@pytest.fixture
def blob_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the values written into SQLite rows with incremental blob I/O."""
    sizes: list[int] = []
    write = large_values._write_slices

    def counted(connection: Any, table: str, column: str, rowid: int, payload: bytes) -> None:
        sizes.append(len(payload))
        write(connection, table, column, rowid, payload)

    monkeypatch.setattr(large_values, "_write_slices", counted)
    return sizes


@pytest.fixture
def blob_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the values read from SQLite rows with incremental blob I/O."""
    sizes: list[int] = []
    read = large_values._read_whole

    def counted(connection: Any, table: str, column: str, rowid: int) -> bytes:
        value = read(connection, table, column, rowid)
        sizes.append(len(value))
        return value

    monkeypatch.setattr(large_values, "_read_whole", counted)
    return sizes


async def test_a_large_profile_is_stored_whole(storage: Storage, blob_writes: list[int], blob_reads: list[int]) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    profile = os.urandom(SMALL_VALUE_BYTES + 2 * SLICE_BYTES + SLICE_BYTES // 3 + 5)
    async with storage.unit_of_work() as uow:
        await uow.references.add(_reference(monitor.id, profile))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        stored = await uow.references.latest("acme", monitor.id)
    assert stored is not None
    assert stored.profile == profile
    assert blob_writes == blob_reads == ([len(profile)] if storage.backend == "sqlite" else [])
    if storage.backend == "postgresql":
        assert await _large_objects(storage) == 0


async def test_a_rolled_back_large_value_leaves_nothing_behind(storage: Storage, blob_writes: list[int]) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    profile = os.urandom(SMALL_VALUE_BYTES + SLICE_BYTES // 2)
    table = pa.table({"age": np.random.default_rng(3).normal(40, 10, 1_000_000)})
    async with storage.unit_of_work() as uow:
        await uow.references.add(_reference(monitor.id, profile))
        assert await uow.observations.add_batch(
            "acme", monitor.id, table, idempotency_key=None, digest="d", received_at=T0
        )
        await uow.rollback()
    async with storage.unit_of_work() as uow:
        assert await uow.references.latest("acme", monitor.id) is None
        window = await uow.observations.load_window("acme", monitor.id, columns=["age"], last_rows=None, since=None)
    assert window.batches == 0
    assert len(blob_writes) == (2 if storage.backend == "sqlite" else 0)
    if storage.backend == "postgresql":
        assert await _large_objects(storage) == 0


async def test_a_large_batch_raced_under_one_key_is_stored_once_and_whole(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    rows = 1_500_000  # compressed, well over one slice
    table = pa.table({"age": np.random.default_rng(2).normal(40, 10, rows), "plan": pa.nulls(rows, pa.string())})

    async def send() -> bool:
        async with storage.unit_of_work() as uow:
            added = await uow.observations.add_batch(
                "acme", monitor.id, table, idempotency_key="k", digest="d", received_at=T0
            )
            await uow.commit()
        return added

    assert sorted(await asyncio.gather(send(), send())) == [False, True]
    async with storage.unit_of_work() as uow:
        window = await uow.observations.load_window("acme", monitor.id, columns=["age"], last_rows=None, since=None)
    assert (window.rows, window.batches) == (rows, 1)
    assert np.array_equal(np.asarray(window.table["age"]), table.column("age").to_numpy())
    if storage.backend == "postgresql":
        assert await _large_objects(storage) == 0


async def test_the_newest_version_number_is_found_without_the_profiles(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    async with storage.unit_of_work() as uow:
        assert await uow.references.latest_version("acme", monitor.id) is None
        for version in (1, 3, 2):
            reference = dataclasses.replace(_reference(monitor.id, b"profile"), id=uuid.uuid4(), version=version)
            await uow.references.add(reference)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.references.latest_version("acme", monitor.id) == 3
        assert await uow.references.latest_version("other", monitor.id) is None


async def _copy_tables(storage: Storage) -> int:
    async with storage.unit_of_work() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        query = text("SELECT count(*) FROM pg_class WHERE relname = 'drf_large_value'")
        return int((await uow.session.execute(query)).scalar_one())


async def test_several_large_values_of_one_transaction_are_each_stored_whole(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    profile = os.urandom(SMALL_VALUE_BYTES + 3 * SLICE_BYTES + 7)
    sample, segments = os.urandom(SMALL_VALUE_BYTES + 11), os.urandom(SMALL_VALUE_BYTES + SLICE_BYTES + 1)
    reference = dataclasses.replace(_reference(monitor.id, profile), sample=sample, segments=segments)
    async with storage.unit_of_work() as uow:
        await uow.references.add(reference)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        stored = await uow.references.latest("acme", monitor.id)
    assert stored is not None
    assert (stored.profile, stored.sample, stored.segments) == (profile, sample, segments)
    if storage.backend == "postgresql":  # the value went through no large object, and no copy table outlives it
        assert await _large_objects(storage) == 0
        assert await _copy_tables(storage) == 0


async def test_a_value_of_exactly_one_slice_and_an_empty_one_round_trip(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    profile = bytes(range(256)) * (SMALL_VALUE_BYTES // 256)  # a whole number of slices
    reference = dataclasses.replace(_reference(monitor.id, profile), sample=b"")
    async with storage.unit_of_work() as uow:
        await uow.references.add(reference)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        stored = await uow.references.latest("acme", monitor.id)
    assert stored is not None
    assert (stored.profile, stored.sample) == (profile, b"")


@pytest.mark.parametrize("storage_url", ["postgresql"], indirect=True)  # a PostgreSQL setting: no other backend
async def test_a_compressible_large_value_is_compressed_with_lz4_on_postgresql(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    profile = b"{" + b'"name":"age",' * (SMALL_VALUE_BYTES // 10) + b"}"
    async with storage.unit_of_work() as uow:
        await uow.references.add(_reference(monitor.id, profile))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        query = text("SELECT pg_column_compression(profile), pg_column_size(profile) FROM drf_references")
        method, size = (await uow.session.execute(query)).one()
        stored = await uow.references.latest("acme", monitor.id)
    assert (method, stored is not None and stored.profile == profile) == ("lz4", True)
    assert size < len(profile) // 10
