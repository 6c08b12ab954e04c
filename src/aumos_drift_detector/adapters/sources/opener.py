"""Building the counting source a monitor's ``source`` option names: the engines' side of the port.

:class:`EngineSourceOpener` is what the composition root gives the run service. A PostgreSQL password
is read from the environment variable the option names, when the source is opened for a run; it is
put into the connection URL in memory only, and no message or log line carries it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError

from aumos_drift_detector.adapters.sources.duckdb_source import DuckDbSource
from aumos_drift_detector.adapters.sources.postgres_source import PostgresSource
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.summaries.source import SummarySource


class EngineSourceOpener:
    """Opens DuckDB and PostgreSQL sources.

    Args:
        environ: Where ``password_env`` is looked up (the process environment by default).
        statement_timeout: Seconds each PostgreSQL counting statement may run (the server's when ``None``).
    """

    def __init__(self, environ: Mapping[str, str] | None = None, *, statement_timeout: float | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._statement_timeout = statement_timeout

    def open(self, option: SourceOption) -> SummarySource:
        """The source of ``option``.

        Raises:
            ValidationError: ``password_env`` names an unset variable, or the URL cannot be parsed.
        """
        if option.engine == "duckdb":
            return DuckDbSource(option.paths or [], file_format=option.format)
        return PostgresSource(
            self._url(option),
            table=option.table,
            schema=option.table_schema,
            query=option.query,
            statement_timeout=self._statement_timeout,
        )

    def _url(self, option: SourceOption) -> str:
        url = option.url or ""
        if option.password_env is None:
            return url
        password = self._environ.get(option.password_env)
        if password is None:
            raise ValidationError(
                f"the environment variable {option.password_env!r} named by source.password_env is not set "
                "in the service",
                details={"field": "source.password_env"},
            )
        try:
            parsed = sa.make_url(url)
        except ArgumentError:
            raise ValidationError("source.url cannot be parsed", details={"field": "source.url"}) from None
        return parsed.set(password=password).render_as_string(hide_password=False)
