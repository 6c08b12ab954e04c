"""Migrations upgrade and downgrade cleanly on both databases and match the table mappings."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.adapters.persistence.migrator import SchemaOutdatedError, ensure_schema
from aumos_drift_detector.adapters.persistence.tables import Base
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
