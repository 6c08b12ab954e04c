"""Storing a large binary value (a reference profile, a batch of observations) a slice at a time.

Bound as a statement parameter, a value of hundreds of MB is copied whole by the driver and the
database client library, twice over (measured: asyncpg's message buffers, sqlite3's binding and its
record), so storing it would need three times its size. Instead the row is inserted with a stand-in
and the value written in slices of :data:`SLICE_BYTES`:

* **PostgreSQL**: the slices go into a large object (``lo_put``); the row takes its contents with
  ``lo_get`` on the server, and the large object is dropped (``lo_unlink``) in the same transaction
  (a rolled-back transaction drops it too).
* **SQLite**: the row is inserted with ``zeroblob(n)``, and the slices are written into it through
  SQLite's incremental blob I/O, on the connection's own thread (aiosqlite runs each connection in a
  thread of its own, and sqlite3 connections may only be used from theirs).

Values under :data:`SMALL_VALUE_BYTES`, and other databases, are bound as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

import aiosqlite
from sqlalchemy import ColumnElement, LargeBinary, Select, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from aumos_drift_detector.adapters.persistence.locks import dialect_name

#: Bytes written at a time.
SLICE_BYTES: Final[int] = 1 << 22
#: Values smaller than this are bound as statement parameters.
SMALL_VALUE_BYTES: Final[int] = 1 << 22


class LargeValue:
    """A value for a row about to be inserted (made by :func:`stage_large_value`).

    Put :attr:`value` in the insert, then call :meth:`write` (or :meth:`discard` when the insert added
    no row).

    Attributes:
        value: What to insert (the value itself, or a stand-in that :meth:`write` completes).
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    async def write(
        self, session: AsyncSession, column: InstrumentedAttribute[Any], where: ColumnElement[bool]
    ) -> None:
        """Complete the value in the row just inserted: ``column`` of the row matching ``where``."""

    async def discard(self, session: AsyncSession) -> None:
        """Let go of what was staged for an insert that added no row."""


class _PostgresLargeObject(LargeValue):
    def __init__(self, oid: int) -> None:
        super().__init__(func.lo_get(oid))
        self._oid = oid

    async def write(
        self, session: AsyncSession, column: InstrumentedAttribute[Any], where: ColumnElement[bool]
    ) -> None:
        await self.discard(session)

    async def discard(self, session: AsyncSession) -> None:
        await session.execute(select(func.lo_unlink(self._oid)))


class _SqliteBlob(LargeValue):
    def __init__(self, payload: bytes) -> None:
        super().__init__(func.zeroblob(len(payload)))
        self._payload = payload

    async def write(
        self, session: AsyncSession, column: InstrumentedAttribute[Any], where: ColumnElement[bool]
    ) -> None:
        query: Select[Any] = select(literal_column("rowid")).select_from(column.class_).where(where)
        rowid = int((await session.execute(query)).scalar_one())
        connection = await (await session.connection()).get_raw_connection()
        driver = connection.driver_connection
        if not isinstance(driver, aiosqlite.Connection):  # pragma: no cover - the service always uses aiosqlite
            raise TypeError(f"SQLite through {type(driver).__name__} has no blob writer here")
        table, name, payload = column.class_.__tablename__, column.key, self._payload

        def write_slices() -> None:
            view = memoryview(payload)
            with driver._conn.blobopen(table, name, rowid) as blob:
                for start in range(0, len(view), SLICE_BYTES):
                    blob.write(view[start : start + SLICE_BYTES])

        # aiosqlite has no public call for the blob API: run it on the connection's thread, through the
        # queue every aiosqlite call goes through (SQLAlchemy's aiosqlite dialect does the same)
        run_on_connection_thread: Callable[[Callable[[], None]], Awaitable[None]] = driver._execute
        await run_on_connection_thread(write_slices)


async def stage_large_value(session: AsyncSession, payload: bytes) -> LargeValue:
    """Prepare ``payload`` for the row about to be inserted (on PostgreSQL, write its large object)."""
    dialect = dialect_name(session)
    if len(payload) < SMALL_VALUE_BYTES or dialect not in ("postgresql", "sqlite"):
        return LargeValue(payload)
    if dialect == "sqlite":
        return _SqliteBlob(payload)
    oid = int((await session.execute(select(func.lo_create(0)))).scalar_one())
    view = memoryview(payload)
    for start in range(0, len(view), SLICE_BYTES):
        part = literal(view[start : start + SLICE_BYTES], LargeBinary)
        await session.execute(select(func.lo_put(oid, start, part)))
    return _PostgresLargeObject(oid)
