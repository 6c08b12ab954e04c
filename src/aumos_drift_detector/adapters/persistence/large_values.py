"""Storing a large binary value (a reference profile, a batch of observations) a slice at a time.

Bound as a statement parameter, a value of hundreds of MB is copied whole twice more while the
statement runs (measured with a 218 MB value: +430 MB with asyncpg, its message buffers; +436 MB with
sqlite3, its binding and the record it builds), so storing it needs three times its size.

On **PostgreSQL** the value is therefore written into a large object in slices of
:data:`SLICE_BYTES` (``lo_put``); the row takes its contents with ``lo_get`` on the server, and the
large object is dropped (``lo_unlink``) in the same transaction (a rolled-back transaction drops it
too).

On **SQLite** the row is inserted with ``zeroblob(n)``, which reserves the value's size without
building it (SQLite keeps a zero blob unexpanded in the last column of a record, so migration 0008
puts each large value last), and the value is then written into the new row with incremental blob
I/O, a slice at a time, inside the same transaction (a rolled-back transaction leaves no row).

Values under :data:`SMALL_VALUE_BYTES` are bound as usual on both.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from typing import Any, Final, TypeVar

from sqlalchemy import LargeBinary, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from aumos_drift_detector.adapters.persistence.locks import dialect_name

#: Bytes written at a time (larger slices were no faster).
SLICE_BYTES: Final[int] = 1 << 20
#: Values smaller than this are bound as statement parameters.
SMALL_VALUE_BYTES: Final[int] = 1 << 22

_T = TypeVar("_T")


class LargeValue:
    """A value for a row about to be inserted (made by :func:`stage_large_value`).

    Put :attr:`value` in the insert, then call :meth:`complete` once the insert ran.

    Attributes:
        value: What to insert: the value itself, or an expression that reserves or reads it on the server.
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    async def complete(self, session: AsyncSession) -> None:
        """Finish storing the value once the insert ran, whether or not it added the row."""


class _PostgresLargeObject(LargeValue):
    def __init__(self, oid: int) -> None:
        super().__init__(func.lo_get(oid))
        self._oid = oid

    async def complete(self, session: AsyncSession) -> None:
        await session.execute(select(func.lo_unlink(self._oid)))


async def _postgres_large_object(session: AsyncSession, payload: bytes) -> LargeValue:
    oid = int((await session.execute(select(func.lo_create(0)))).scalar_one())
    view = memoryview(payload)
    for start in range(0, len(view), SLICE_BYTES):
        part = literal(view[start : start + SLICE_BYTES], LargeBinary)
        await session.execute(select(func.lo_put(oid, start, part)))
    return _PostgresLargeObject(oid)


def _write_slices(connection: sqlite3.Connection, table: str, column: str, rowid: int, payload: bytes) -> None:
    """Write ``payload`` into a row's zero blob (runs on the connection's own thread).

    ``Blob.write`` lets go of the GIL while SQLite copies each slice into its pages, so the event
    loop keeps running meanwhile; nothing but the slice being written is held twice.
    """
    view = memoryview(payload)
    with connection.blobopen(table, column, rowid) as blob:
        for start in range(0, len(view), SLICE_BYTES):
            blob.write(view[start : start + SLICE_BYTES])


def _read_whole(connection: sqlite3.Connection, table: str, column: str, rowid: int) -> bytes:
    """Read a row's blob into one new buffer (runs on the connection's own thread, without the GIL)."""
    with connection.blobopen(table, column, rowid, readonly=True) as blob:
        return blob.read()


async def _sqlite_rowid(session: AsyncSession, column: InstrumentedAttribute[bytes], row_id: uuid.UUID) -> int | None:
    table = column.parent.local_table
    rowid = await session.scalar(select(literal_column("rowid")).select_from(table).where(table.c.id == row_id))
    return None if rowid is None else int(rowid)


async def _on_sqlite_thread(session: AsyncSession, function: Callable[..., _T], *args: Any) -> _T:
    """Run ``function(sqlite3_connection, *args)`` on the thread of the session's aiosqlite connection."""
    connection = await session.connection()
    driver: Any = (await connection.get_raw_connection()).driver_connection
    # ``driver`` is the session's aiosqlite connection. Its sqlite3 connection may only be used on
    # aiosqlite's worker thread, which runs the connection's calls one after another in the order
    # they were queued; ``_execute`` queues a function there and awaits its result. aiosqlite
    # builds each of its public methods on it, but has none that exposes blob I/O.
    result: _T = await driver._execute(function, driver._conn, *args)
    return result


class _SqliteBlob(LargeValue):
    def __init__(self, payload: bytes, column: InstrumentedAttribute[bytes], row_id: uuid.UUID) -> None:
        super().__init__(func.zeroblob(len(payload)))
        self._payload = payload
        self._column = column
        self._row_id = row_id

    async def complete(self, session: AsyncSession) -> None:
        rowid = await _sqlite_rowid(session, self._column, self._row_id)
        if rowid is None:  # the insert added no row (its key was taken)
            return
        name = str(self._column.class_.__tablename__)
        await _on_sqlite_thread(session, _write_slices, name, self._column.key, rowid, self._payload)


async def stage_large_value(
    session: AsyncSession, payload: bytes, column: InstrumentedAttribute[bytes], row_id: uuid.UUID
) -> LargeValue:
    """Prepare ``payload`` for the row about to be inserted.

    Args:
        session: The session the row is inserted in.
        payload: The value to store.
        column: The column it goes into (on SQLite, the last of its table).
        row_id: The primary key (``id``) of the row about to be inserted.
    """
    if len(payload) < SMALL_VALUE_BYTES:
        return LargeValue(payload)
    dialect = dialect_name(session)
    if dialect == "postgresql":
        return await _postgres_large_object(session, payload)
    if dialect == "sqlite":
        return _SqliteBlob(payload, column, row_id)
    return LargeValue(payload)


def large_value_handle(session: AsyncSession, column: InstrumentedAttribute[bytes]) -> Any:
    """What to select in place of ``column`` for :func:`read_large_value` to read its value.

    On SQLite it is the row's ``rowid``: the value is then read through blob I/O into a single buffer
    while the GIL is released (selecting it, SQLite builds the value and Python copies it once more
    with the GIL held: a 218 MB value kept other threads waiting 200-550 ms). Elsewhere it is the
    value itself.
    """
    return literal_column("rowid") if dialect_name(session) == "sqlite" else column


async def read_large_value(session: AsyncSession, column: InstrumentedAttribute[bytes], handle: Any) -> bytes:
    """The value of ``column`` in a selected row, from what :func:`large_value_handle` selected."""
    if dialect_name(session) == "sqlite":
        name = str(column.class_.__tablename__)
        return await _on_sqlite_thread(session, _read_whole, name, column.key, int(handle))
    return bytes(handle)
