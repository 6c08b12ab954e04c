"""Row locks that serialise read-then-write changes, on PostgreSQL and SQLite alike.

PostgreSQL locks the row with ``SELECT … FOR NO KEY UPDATE``: a concurrent transaction asking for the
same lock waits until the first one commits, then reads what it committed. (``NO KEY`` because rows
that refer to the locked one take a key-share lock on it: with ``FOR UPDATE`` two transactions that
each inserted a detection of the monitor would deadlock on the monitor's row.) SQLite has no row locks; it
has one writer at a time, so the lock is a write to the row (an ``UPDATE`` that changes nothing),
which makes the transaction the writer before it reads anything and holds that until it ends.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.tables import MonitorRow


def dialect_name(session: AsyncSession) -> str:
    """The name of the session's database dialect (``postgresql`` or ``sqlite``)."""
    return session.get_bind().dialect.name


async def lock_row(session: AsyncSession, table: Any, *where: ColumnElement[bool]) -> bool:
    """Lock the row matching ``where`` until the transaction ends; return whether it exists."""
    with storage_errors("lock row"):
        if dialect_name(session) == "postgresql":
            found = (await session.execute(select(table.id).where(*where).with_for_update(key_share=True))).first()
            return found is not None
        result = await session.execute(
            update(table).where(*where).values(id=table.id).execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) > 0


async def lock_name(session: AsyncSession, name: str) -> None:
    """Hold a lock on a name until the transaction ends (a PostgreSQL advisory lock; SQLite's write lock)."""
    with storage_errors("lock"):
        if dialect_name(session) == "postgresql":
            await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(name, 0))))
        else:
            await session.execute(update(MonitorRow).where(false()).values(id=MonitorRow.id))
