"""Storing a large binary value (a reference profile, a batch of observations) a slice at a time.

Bound as a statement parameter, a value of hundreds of MB is copied whole twice more while the
statement runs (measured with a 218 MB value: +430 MB with asyncpg, its message buffers; +436 MB with
sqlite3, its binding and the record it builds), so storing it needs three times its size.

On **PostgreSQL** the value is therefore streamed with ``COPY ... FROM STDIN`` (binary format) in
slices of :data:`SLICE_BYTES` into a one-column temporary table (``ON COMMIT DROP``); the row takes
it with a subquery, and the temporary table is emptied once the insert ran. A temporary table is not
written to the write-ahead log, so the value is written to it once and to the log once, where a large
object (written with ``lo_put``, read back with ``lo_get``, then unlinked) was written to both, then
read and written again: a 160 MB profile was stored in about half the time. The transaction also
compresses values with lz4 where the server has it (``default_toast_compression``): PostgreSQL's
default pglz compresses a whole value whose first kilobyte compresses, as a profile's JSON header
does, and for arrays of float64 then finds the result too large and stores the value as it was;
that attempt took 3.9 s of the 5 s the same 160 MB profile took to store, lz4's 0.1 s.

On **SQLite** the row is inserted with ``zeroblob(n)``, which reserves the value's size without
building it (SQLite keeps a zero blob unexpanded in the last column of a record, so migration 0008
puts each large value last), and the value is then written into the new row with incremental blob
I/O, a slice at a time, inside the same transaction (a rolled-back transaction leaves no row).

Values under :data:`SMALL_VALUE_BYTES` are bound as usual on both.
"""

from __future__ import annotations

import sqlite3
import struct
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, Final, TypeVar

from sqlalchemy import LargeBinary, column, func, literal_column, select, table, text
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


#: The temporary table a value is copied into on PostgreSQL (dropped when the transaction ends).
_COPY_TABLE: Final[str] = "drf_large_value"
_COPY_SOURCE = table(_COPY_TABLE, column("v", LargeBinary), schema="pg_temp")
#: Binary ``COPY`` framing: the signature, flags and extension length, then a row's field count.
_COPY_HEADER: Final[bytes] = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!iih", 0, 0, 1)
_COPY_TRAILER: Final[bytes] = struct.pack("!h", -1)


class _PostgresCopied(LargeValue):
    def __init__(self) -> None:
        super().__init__(select(_COPY_SOURCE.c.v).scalar_subquery())

    async def complete(self, session: AsyncSession) -> None:
        await session.execute(text(f"TRUNCATE pg_temp.{_COPY_TABLE}"))


async def _copy_slices(payload: bytes) -> AsyncIterator[bytes | memoryview]:
    """The value as one row of a binary ``COPY`` stream, a slice at a time (nothing copied whole)."""
    yield _COPY_HEADER + struct.pack("!i", len(payload))
    view = memoryview(payload)
    for start in range(0, len(view), SLICE_BYTES):
        yield view[start : start + SLICE_BYTES]
    yield _COPY_TRAILER


async def _prefer_lz4(session: AsyncSession) -> None:
    """Compress values stored in this transaction with lz4, if the server was built with it (PostgreSQL 14+)."""
    query = text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    if await session.scalar(query):
        await session.execute(text("SET LOCAL default_toast_compression = 'lz4'"))


async def _postgres_copy(session: AsyncSession, payload: bytes) -> LargeValue:
    await _prefer_lz4(session)
    await session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_COPY_TABLE} (v bytea) ON COMMIT DROP"))
    connection = await session.connection()
    driver: Any = (await connection.get_raw_connection()).driver_connection  # the asyncpg connection
    await driver.copy_to_table(_COPY_TABLE, schema_name="pg_temp", source=_copy_slices(payload), format="binary")
    return _PostgresCopied()


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
        return await _postgres_copy(session, payload)
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
