"""Building the counting source a monitor's ``source`` option names: the engines' side of the port.

:class:`EngineSourceOpener` is what the composition root gives the run service. A PostgreSQL password
is read from the environment variable the option names, when the source is opened for a run; it is
put into the connection URL in memory only, and no message or log line carries it.

A Spark source is counted by the service's one :class:`~.spark_session.LazySparkSession`, on the
master the composition root gives (the ``AUMOS_DRIFT_SPARK_MASTER`` setting), started by the first
run that needs it. PySpark is imported only then: without it, such a run fails saying what to install.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import sqlalchemy as sa
import structlog
from sqlalchemy.exc import ArgumentError

from aumos_drift_detector.adapters.sources.duckdb_source import DuckDbSource
from aumos_drift_detector.adapters.sources.postgres_source import PostgresSource
from aumos_drift_detector.adapters.sources.spark_session import PYSPARK_MISSING, LazySparkSession
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.summaries.source import SummarySource

logger = structlog.get_logger(__name__)


class EngineSourceOpener:
    """Opens DuckDB, Spark and PostgreSQL sources.

    Args:
        environ: Where ``password_env`` is looked up (the process environment by default).
        statement_timeout: Seconds each PostgreSQL counting statement may run (the server's when ``None``).
        spark: The Spark session of ``spark`` sources (a ``local[*]`` one, started on first use, by default).
    """

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        statement_timeout: float | None = None,
        spark: LazySparkSession | None = None,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._statement_timeout = statement_timeout
        self._spark = LazySparkSession() if spark is None else spark

    def open(self, option: SourceOption) -> SummarySource:
        """The source of ``option`` (a ``spark`` one starts the Spark session if none is running yet).

        Raises:
            ValidationError: ``password_env`` names an unset variable, the URL cannot be parsed, PySpark
                is not installed, or the Spark session cannot start.
        """
        if option.engine == "duckdb":
            return DuckDbSource(option.paths or [], file_format=option.format)
        if option.engine == "spark":
            return self._spark_source(option)
        return PostgresSource(
            self._url(option),
            table=option.table,
            schema=option.table_schema,
            query=option.query,
            statement_timeout=self._statement_timeout,
        )

    def _spark_source(self, option: SourceOption) -> SummarySource:
        try:
            from aumos_drift_detector.adapters.sources.spark_source import SparkSource
        except ImportError as error:
            logger.warning("spark_unavailable", error=str(error))
            raise ValidationError(PYSPARK_MISSING) from None
        return SparkSource(self._spark.get(), option.paths or [], file_format=option.format)

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
