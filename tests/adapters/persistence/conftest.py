"""The storage contract's fixture: every repository test runs on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine, create_session_factory
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.unit_of_work import UnitOfWork
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests import servers


@dataclass(frozen=True)
class Storage:
    """Where a contract test runs: the backend's name and its unit-of-work factory."""

    backend: str
    unit_of_work: Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_available: str | None) -> Iterator[str]:
    """``memory``, or the URL of a fresh, empty SQLite file or PostgreSQL database."""
    if request.param == "memory":
        yield "memory"
        return
    request.node.user_properties.append(("server", "SQLite" if request.param == "sqlite" else "PostgreSQL"))
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'drift.db'}"
        return
    if postgres_available is not None:
        servers.unavailable(postgres_available)
    with servers.postgres_database() as url:
        yield url


@pytest.fixture
async def storage(storage_url: str) -> AsyncIterator[Storage]:
    """Empty storage of each kind: the in-memory fake, a migrated SQLite file, a migrated PostgreSQL database."""
    if storage_url == "memory":
        yield Storage("memory", InMemoryStorage().unit_of_work)
        return
    engine = create_engine(storage_url)
    await migrator.upgrade(engine)
    factory = create_session_factory(engine)
    try:
        yield Storage(engine.dialect.name, lambda: SqlAlchemyUnitOfWork(factory))
    finally:
        await engine.dispose()
