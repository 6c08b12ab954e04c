"""A fresh PostgreSQL test database, rows loaded into it with ``COPY``, statements run there."""

import contextlib
from collections.abc import Iterator

import asyncpg

from tests import servers


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A fresh, empty database, dropped afterwards; yields its ``postgresql://`` URL.

    An unreachable server fails the test in CI and skips it elsewhere.
    """
    reason = servers.postgres_reachable()
    if reason is not None:
        servers.unavailable(reason)
    with servers.postgres_database() as database:
        yield database.replace("postgresql+asyncpg://", "postgresql://", 1)


async def execute(url: str, statement: str) -> None:
    """Run one statement on the database at ``url`` (``postgresql://``)."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def copy_rows(url: str, table: str, ddl: str, columns: dict[str, list[object]]) -> None:
    """Create a table with ``ddl`` and copy ``columns`` (name to values, one length) into it."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(ddl)
        records = list(zip(*columns.values(), strict=True))
        await connection.copy_records_to_table(table, records=records, columns=list(columns))
    finally:
        await connection.close()
