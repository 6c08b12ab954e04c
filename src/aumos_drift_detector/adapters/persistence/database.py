"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from aumos_drift_detector.core.errors import StorageError


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    """Create the async engine for a database URL.

    SQLite gets foreign keys switched on, WAL journaling and a busy timeout so that the API, the
    scheduler and the relay can share one file; PostgreSQL gets a sized, pre-pinged pool.

    Args:
        url: ``sqlite+aiosqlite://…`` or ``postgresql+asyncpg://…``.
        echo: Log every statement.
        pool_size: PostgreSQL pool size.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    return create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _configure_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return the session factory units of work open sessions from."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


class DatabaseHealthCheck:
    """Readiness check: the database answers a trivial query."""

    name = "database"

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def check(self) -> None:
        """Run ``SELECT 1``; raise ``StorageError`` saying why it failed."""
        try:
            async with self._engine.connect() as connection:
                await connection.execute(select(1))
        except (SQLAlchemyError, OSError) as exc:
            reason: Any = getattr(exc, "orig", None) or exc
            raise StorageError(f"database unreachable: {type(reason).__name__}: {reason}") from exc
