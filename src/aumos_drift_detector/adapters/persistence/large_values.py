"""Storing a large binary value (a reference profile, a batch of observations) a slice at a time.

Bound as a statement parameter, a value of hundreds of MB is copied whole twice more while the
statement runs (measured with a 218 MB value: +430 MB with asyncpg, its message buffers; +436 MB with
sqlite3, its binding and the record it builds), so storing it needs three times its size.

On **PostgreSQL** the value is therefore written into a large object in slices of
:data:`SLICE_BYTES` (``lo_put``); the row takes its contents with ``lo_get`` on the server, and the
large object is dropped (``lo_unlink``) in the same transaction (a rolled-back transaction drops it
too). Values under :data:`SMALL_VALUE_BYTES` are bound as usual.

**SQLite** binds the value as usual. Its incremental blob I/O would need ``zeroblob(n)`` to stay
unexpanded in the new row, which SQLite does only for the last column of a record, and neither
``drf_references.profile`` nor ``drf_observation_batches.data`` is last; so SQLite, the development
database, still holds the value three times over while inserting it.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import LargeBinary, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.locks import dialect_name

#: Bytes written at a time (larger slices were no faster).
SLICE_BYTES: Final[int] = 1 << 20
#: Values smaller than this are bound as statement parameters.
SMALL_VALUE_BYTES: Final[int] = 1 << 22


class LargeValue:
    """A value for a row about to be inserted (made by :func:`stage_large_value`).

    Put :attr:`value` in the insert, then call :meth:`release` once the insert ran.

    Attributes:
        value: What to insert: the value itself, or an expression that reads it on the server.
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    async def release(self, session: AsyncSession) -> None:
        """Drop what was staged for the insert, whether or not it added the row."""


class _PostgresLargeObject(LargeValue):
    def __init__(self, oid: int) -> None:
        super().__init__(func.lo_get(oid))
        self._oid = oid

    async def release(self, session: AsyncSession) -> None:
        await session.execute(select(func.lo_unlink(self._oid)))


async def stage_large_value(session: AsyncSession, payload: bytes) -> LargeValue:
    """Prepare ``payload`` for the row about to be inserted (on PostgreSQL, write its large object)."""
    if len(payload) < SMALL_VALUE_BYTES or dialect_name(session) != "postgresql":
        return LargeValue(payload)
    oid = int((await session.execute(select(func.lo_create(0)))).scalar_one())
    view = memoryview(payload)
    for start in range(0, len(view), SLICE_BYTES):
        part = literal(view[start : start + SLICE_BYTES], LargeBinary)
        await session.execute(select(func.lo_put(oid, start, part)))
    return _PostgresLargeObject(oid)
