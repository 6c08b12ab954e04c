"""Counting a PostgreSQL table, or the rows of a query, into a window summary inside the database.

``PostgresSource(url, table="events").count(layout)`` sends up to three aggregate statements (see
:mod:`~aumos_drift_detector.adapters.sources.postgres_statements`): one scan counts the bins of every
numeric feature, one more their moments, one more the values of every categorical feature. Only the
counts come back. They run in one ``REPEATABLE READ, READ ONLY`` transaction, so they see the same
snapshot of the table, and the connection also starts with ``default_transaction_read_only``. The
transaction first sets its own planner settings (JIT off, the cost of rows leaving parallel workers,
enough hash memory); they end with it.

``query=`` counts the rows of the user's ``SELECT`` instead, run as a subquery inside that read-only
transaction. Read-only transactions refuse writes to tables but not every side effect a function may
have, so the URL should name a role that may only read what it needs.

**Why SQLAlchemy Core and not sqlglot or ibis.** The statements need a PostgreSQL-specific primitive,
``width_bucket(x, thresholds)``, whose boundary semantics (where an edge, ``NaN``, ``±inf`` and
``-0.0`` fall) are pinned against the in-memory counter here; a translating layer would not make that
portable, only hide it. SQLAlchemy is already the project's SQL toolkit and driver layer: its Core
quotes identifiers by the dialect's rules and binds every value, which is what string templating
gets wrong, and it adds no dependency. sqlglot would add a transpiler whose output still runs through
SQLAlchemy; ibis would add a data-frame layer and its own PostgreSQL backend.

**Driver.** The project's PostgreSQL driver is asyncpg (BSD), used through SQLAlchemy's async engine;
no synchronous driver is installed, and psycopg is LGPL. ``count`` is synchronous like the other
sources (they are called from worker threads): it runs the async work in an event loop of its own,
on a short-lived thread when the calling thread already runs a loop. Each call opens one connection
and closes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from aumos_drift_detector.adapters.sources.assembly import check_columns
from aumos_drift_detector.adapters.sources.postgres_assembly import assemble
from aumos_drift_detector.adapters.sources.postgres_statements import (
    NUMERIC_TYPE_OIDS,
    bins_statement,
    categorical_statement,
    moments_statement,
    probe_statement,
    settings_statement,
    source_relation,
)
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

logger = structlog.get_logger(__name__)

T = TypeVar("T")

_UNDEFINED_TABLE = "42P01"
_OUT_OF_RANGE = "22003"
_CONNECTION_STATES = ("08", "28", "3D")  # connection exception, invalid authorization, invalid catalog


class PostgresSource:
    """A PostgreSQL table or query counted where it lives; only the counts come back."""

    def __init__(
        self,
        url: str,
        *,
        table: str | None = None,
        schema: str | None = None,
        query: str | None = None,
        connect_timeout: float = 10.0,
        statement_timeout: float | None = None,
    ) -> None:
        """Name the database and the rows to count.

        Args:
            url: ``postgresql://user:password@host:port/database`` (``postgresql+asyncpg://`` too).
            table: The table (or view) to count; exactly one of ``table`` and ``query``.
            schema: The table's schema (the search path when ``None``).
            query: A ``SELECT`` whose rows are counted, run inside a read-only transaction.
            connect_timeout: Seconds to wait for the connection.
            statement_timeout: Seconds each counting statement may run (the server's setting when ``None``).

        Raises:
            ValidationError: Neither or both of ``table`` and ``query``, or a URL that is not PostgreSQL's.
        """
        if (table is None) == (query is None):
            raise ValidationError("a PostgreSQL source needs exactly one of a table and a query", details={})
        self._url = _asyncpg_url(url)
        self._table, self._schema = table, schema
        self._query = query.strip().rstrip(";") if query is not None else None
        self._connect_timeout = connect_timeout
        self._statement_timeout = statement_timeout

    @property
    def where(self) -> str:
        """The database and relation, for messages (never the password)."""
        url = self._url
        database = f"postgresql://{url.username or ''}@{url.host or ''}:{url.port or 5432}/{url.database or ''}"
        relation = f"table {self._qualified_table!r}" if self._table is not None else "query"
        return f"{relation} at {database}"

    @property
    def _qualified_table(self) -> str:
        return f"{self._schema}.{self._table}" if self._schema else str(self._table)

    def count(self, layout: SummaryLayout) -> WindowSummary:
        """Count every row of the table or query into ``layout``.

        Raises:
            ValidationError: An unreachable database, a missing table or column, text where numbers
                belong, or a query the database refuses.
        """
        started = time.perf_counter()
        summary = _run(self._count(layout))
        logger.info(
            "source_counted",
            engine="postgresql",
            rows=summary.rows,
            features=len(layout.features),
            seconds=round(time.perf_counter() - started, 3),
        )
        return summary

    async def _count(self, layout: SummaryLayout) -> WindowSummary:
        engine = create_async_engine(
            self._url,
            poolclass=NullPool,
            connect_args={
                "timeout": self._connect_timeout,
                "server_settings": {"default_transaction_read_only": "on", "application_name": "aumos-drift-source"},
            },
        )
        try:
            async with engine.connect() as connection:
                reading = await connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
                async with reading.begin():
                    return await self._count_in(reading, layout)
        except DBAPIError as error:
            raise self._refused(error) from None
        except (OSError, TimeoutError) as error:
            raise ValidationError(
                f"cannot connect to PostgreSQL for the {self.where}: {type(error).__name__}: {error}",
                details={"source": self.where},
            ) from None
        finally:
            await engine.dispose()

    async def _count_in(self, connection: AsyncConnection, layout: SummaryLayout) -> WindowSummary:
        if self._statement_timeout is not None:
            milliseconds = str(max(1, round(self._statement_timeout * 1000)))
            await connection.execute(sa.select(sa.func.set_config("statement_timeout", milliseconds, True)))
        types = await self._column_types(connection)
        check_columns(layout, {name: oid in NUMERIC_TYPE_OIDS for name, oid in types.items()}, source=self.where)
        relation = source_relation(layout.names, table=self._table, schema=self._schema, query=self._query)
        numeric = [bins for bins in layout.features if isinstance(bins, NumericBins)]
        categorical = [bins for bins in layout.features if isinstance(bins, CategoricalBins)]
        by_bin: list[tuple[Any, ...]] = []
        moments: tuple[Any, ...] | None = None
        await connection.execute(settings_statement(numeric))
        if numeric:
            by_bin = [tuple(row) for row in await connection.execute(bins_statement(relation, numeric))]
            moments = tuple((await connection.execute(moments_statement(relation, numeric))).one())
        by_value: list[tuple[Any, ...]] = []
        if categorical or not numeric:
            statement = categorical_statement(relation, categorical, types)
            by_value = [tuple(row) for row in await connection.execute(statement)]
        return assemble(layout, by_bin, moments, by_value)

    async def _column_types(self, connection: AsyncConnection) -> dict[str, int]:
        relation = source_relation((), table=self._table, schema=self._schema, query=self._query)
        result = await connection.execute(probe_statement(relation))
        description = result.cursor.description if result.cursor is not None else None
        return {str(column[0]): int(str(column[1])) for column in description or ()}  # the type's OID

    def _refused(self, error: DBAPIError) -> ValidationError:
        state = str(getattr(error.orig, "sqlstate", "") or "")
        message = _driver_message(error)
        if error.connection_invalidated or state.startswith(_CONNECTION_STATES):
            text = f"cannot connect to PostgreSQL for the {self.where}: {message}"
        elif state == _UNDEFINED_TABLE and self._table is not None:
            text = f"the table {self._qualified_table!r} does not exist ({self.where})"
        else:
            text = f"PostgreSQL refused the counting query on the {self.where}: {message}"
            if state == _OUT_OF_RANGE:
                text += " (the sum or the sum of squares of a numeric feature exceeds double precision)"
        return ValidationError(text, details={"source": self.where, "sqlstate": state or None})


def _driver_message(error: DBAPIError) -> str:
    """The server's own message, without SQLAlchemy's rendering of the statement and its parameters."""
    cause = error.orig.__cause__ if error.orig is not None else None
    original = cause if cause is not None else error.orig
    return f"{type(original).__name__}: {original}"


def _asyncpg_url(url: str) -> URL:
    try:
        parsed = sa.make_url(url)
    except ArgumentError:
        raise ValidationError("the PostgreSQL URL cannot be parsed", details={}) from None
    if parsed.get_backend_name() != "postgresql":
        raise ValidationError(
            f"a PostgreSQL source needs a postgresql:// URL, not {parsed.get_backend_name()}://", details={}
        )
    return parsed.set(drivername="postgresql+asyncpg")


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, in a loop of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-source") as pool:
        return pool.submit(asyncio.run, work).result()
