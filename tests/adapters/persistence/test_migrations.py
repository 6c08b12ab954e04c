"""Migrations upgrade and downgrade cleanly on both databases and match the table mappings."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine, create_session_factory
from aumos_drift_detector.adapters.persistence.large_values import SMALL_VALUE_BYTES
from aumos_drift_detector.adapters.persistence.migrator import SchemaOutdatedError, ensure_schema
from aumos_drift_detector.adapters.persistence.tables import Base
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.adapters.persistence.conftest import Storage
from tests.adapters.persistence.test_large_values import _reference
from tests.adapters.persistence.test_repositories import _add, make_monitor
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration

DRF_TABLES = {"drf_monitors", "drf_detections", "drf_alerts"}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_upgrade_then_downgrade_then_upgrade_again(database: DatabaseTarget) -> None:
    engine = create_engine(database.url)
    try:
        assert await migrator.current_revision(engine) is None
        await migrator.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) >= DRF_TABLES
        assert await migrator.is_up_to_date(engine)
        await migrator.downgrade(engine, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        assert await migrator.current_revision(engine) is None
        await migrator.upgrade(engine)
        assert await migrator.current_revision(engine) == migrator.head_revision()
    finally:
        await engine.dispose()


async def test_migrated_schema_matches_the_table_mappings(database: DatabaseTarget) -> None:
    engine = create_engine(database.url)
    try:
        await migrator.upgrade(engine)
        async with engine.connect() as connection:
            differences = await connection.run_sync(_diff)
        assert differences == []
    finally:
        await engine.dispose()


async def test_every_table_is_drf_prefixed_and_has_a_tenant(database: DatabaseTarget) -> None:
    assert all(name.startswith("drf_") for name in Base.metadata.tables)
    # A partition's records span tenants: the stored consumer offsets are the one table without a tenant.
    tenant_free = {"drf_consumer_offsets"}
    assert all("tenant_id" in table.columns for table in Base.metadata.tables.values() if table.name not in tenant_free)


async def test_production_refuses_a_schema_that_is_behind(database: DatabaseTarget) -> None:
    engine = create_engine(database.url)
    try:
        with pytest.raises(SchemaOutdatedError, match="aumos-drift migrate"):
            await ensure_schema(engine, migrate=False)
        await ensure_schema(engine, migrate=True)
        await ensure_schema(engine, migrate=False)
    finally:
        await engine.dispose()


def _column_order(connection: Connection, table: str) -> list[str]:
    return [column["name"] for column in inspect(connection).get_columns(table)]


async def test_moving_the_large_values_last_keeps_the_stored_rows(database: DatabaseTarget) -> None:
    engine = create_engine(database.url)
    monitor = make_monitor()
    profile = os.urandom(SMALL_VALUE_BYTES + 3)
    try:
        await migrator.upgrade(engine)
        storage = Storage(database.backend, lambda: SqlAlchemyUnitOfWork(create_session_factory(engine)))
        await _add(storage, monitor)
        async with storage.unit_of_work() as uow:
            await uow.references.add(_reference(monitor.id, profile))
            await uow.commit()
        await migrator.downgrade(engine, "0007")
        async with engine.connect() as connection:
            before = await connection.run_sync(_column_order, "drf_references")
        await migrator.upgrade(engine)
        async with engine.connect() as connection:
            after = await connection.run_sync(_column_order, "drf_references")
        async with storage.unit_of_work() as uow:
            stored = await uow.references.latest("acme", monitor.id)
    finally:
        await engine.dispose()
    assert stored is not None
    assert stored.profile == profile
    if database.backend == "sqlite":  # PostgreSQL keeps its column order
        assert (before[-1], after[-1]) == ("created_at", "profile")
