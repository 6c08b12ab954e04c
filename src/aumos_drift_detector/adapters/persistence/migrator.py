"""Apply and inspect Alembic migrations on an async engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.core.errors import StorageError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaOutdatedError(StorageError):
    """The database schema is behind the code; run ``aumos-drift migrate``."""

    code = "schema_outdated"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the code ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        msg = "no migrations found"
        raise RuntimeError(msg)
    return head


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, ``None`` for an empty database."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    try:
        async with engine.connect() as connection:
            return await connection.run_sync(read)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read the schema revision: {exc}") from exc


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Revert migrations down to ``revision`` (``"base"`` for an empty schema)."""
    await _run(engine, lambda config: command.downgrade(config, revision))


async def _run(engine: AsyncEngine, action: Callable[[Config], None]) -> None:
    def run(connection: Connection) -> None:
        action(_config(connection))

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    except SQLAlchemyError as exc:
        raise StorageError(f"migration failed: {exc}") from exc


async def is_up_to_date(engine: AsyncEngine) -> bool:
    """Whether the database schema is at the code's head revision."""
    return await current_revision(engine) == head_revision()


async def ensure_schema(engine: AsyncEngine, *, migrate: bool) -> None:
    """Bring the schema to head (``migrate=True``) or refuse a schema that is behind.

    Raises:
        SchemaOutdatedError: ``migrate`` is false and the database is not at the head revision.
    """
    if migrate:
        await upgrade(engine)
        return
    current = await current_revision(engine)
    if current != head_revision():
        raise SchemaOutdatedError(
            f"database schema is at revision {current or 'none'}, the code needs {head_revision()}: "
            "run 'aumos-drift migrate'"
        )
