"""A monitor's source: where its current data lives, counted there instead of uploaded to the service.

``source`` is optional (``null``: the monitor compares the observations it receives). With it, a run
counts every row the source names into the reference's bins, where the data lives, and the service
only receives the counts (``docs/summaries.md``, "Monitors with a source"):

* ``{"engine": "duckdb", "paths": ["/data/scores/*.parquet"], "format": "parquet"}``: Parquet or CSV
  files, a list or globs, local or object storage, counted by DuckDB in the service's process.
* ``{"engine": "spark", "paths": ["s3a://lake/scores/*.parquet"], "format": "parquet"}``: the same
  files counted by the service's Spark session, whose master is a service setting
  (``AUMOS_DRIFT_SPARK_MASTER``: ``local[*]`` by default, a cluster URL in production), never a
  monitor's field; for data that needs a cluster.
* ``{"engine": "postgres", "url": "postgresql://reader@host:5432/lake", "password_env": "LAKE_PG_PASSWORD",
  "table": "scores"}`` (or ``"query": "SELECT ..."``): counted by the database in a read-only transaction.

A password is never stored: a URL holding one is refused, and ``password_env`` names the environment
variable of the service the password is read from at run time.

>>> from aumos_drift_detector.core.validation import parse
>>> parse(SourceOption, {"engine": "duckdb", "paths": ["/d/*.parquet"]}).format
'parquet'
>>> parse(SourceOption, {"engine": "spark", "paths": ["/d/*.csv"], "format": "csv"}).describe()
'spark csv files /d/*.csv'
>>> parse(SourceOption, {"engine": "postgres", "url": "postgresql://u:pw@h/db", "table": "t"}, path="source")
Traceback (most recent call last):
...
aumos_drift_detector.core.errors.ValidationError: source.url: holds a password; ...
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Protocol

from pydantic import Field, ValidationInfo, field_validator

from aumos_drift_detector.core.summaries.source import SummarySource
from aumos_drift_detector.core.validation import DomainModel, no_control_characters

SourceEngine = Literal["duckdb", "postgres", "spark"]
_PASSWORD_IN_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*:[^/@]*@")
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"
_FILE_ENGINES = ("duckdb", "spark")
#: A one-line string: no control characters (PostgreSQL text cannot hold NUL).
Line = Annotated[str, Field(min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$")]


def _refuse(engine: str) -> str:
    return f"does not apply to engine {engine!r}"


class SourceOption(DomainModel):
    """Where a monitor's current data lives: files counted by DuckDB or Spark, or a PostgreSQL table or query.

    ``duckdb`` and ``spark`` take ``paths`` and ``format``; ``postgres`` takes ``url``, ``password_env``,
    and ``table`` (with ``table_schema``) or ``query``. A field of another engine is refused by name.
    Spark runs where the service's ``AUMOS_DRIFT_SPARK_MASTER`` points, not where a monitor says.
    """

    engine: SourceEngine = Field(
        description="'duckdb': Parquet/CSV files counted in the service's process; 'spark': the same files "
        "counted by the service's Spark session (its master is the AUMOS_DRIFT_SPARK_MASTER setting); "
        "'postgres': a table or query counted by the database",
        examples=["duckdb", "spark"],
    )
    paths: list[Line] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        validate_default=True,
        description="duckdb, spark: file paths or globs (duckdb: local, s3://, https://; spark: any file "
        "system the Spark session reads, such as s3a://, gs://, abfss://, hdfs:// or a path every worker sees)",
        examples=[["/data/scores/*.parquet"], ["s3a://lake/scores/2026-11-*.parquet"]],
    )
    format: Literal["parquet", "csv"] = Field(
        default="parquet", description="duckdb, spark: the files' format (csv: with a header row)"
    )
    url: Line | None = Field(
        default=None,
        max_length=2000,
        validate_default=True,
        description="postgres: postgresql://user@host:port/database, without a password",
    )
    password_env: str | None = Field(
        default=None, pattern=_ENV_NAME, description="postgres: environment variable holding the password"
    )
    table: Line | None = Field(default=None, min_length=1, max_length=200, description="postgres: table or view")
    table_schema: Line | None = Field(
        default=None, min_length=1, max_length=200, description="postgres: the table's schema (default: search path)"
    )
    query: str | None = Field(
        default=None,
        min_length=1,
        max_length=100_000,
        validate_default=True,
        description="postgres: a SELECT whose rows are counted (instead of table)",
    )

    _one_query = field_validator("query", mode="before")(no_control_characters)

    @field_validator("password_env", "table", "table_schema")
    @classmethod
    def _postgres_only(cls, value: str | None, info: ValidationInfo) -> str | None:
        engine = info.data.get("engine")
        if value is not None and engine != "postgres":
            raise ValueError(_refuse(str(engine)))
        return value

    @field_validator("paths")
    @classmethod
    def _paths_for_files(cls, paths: list[str] | None, info: ValidationInfo) -> list[str] | None:
        engine = info.data.get("engine")
        if engine in _FILE_ENGINES and not paths:
            msg = f"engine {engine!r} needs the files to count"
            raise ValueError(msg)
        if engine not in _FILE_ENGINES and paths is not None:
            raise ValueError(_refuse(str(engine)))
        if paths is not None and any(not path.strip() for path in paths):
            msg = "a path is empty"
            raise ValueError(msg)
        return paths

    @field_validator("url")
    @classmethod
    def _url_without_password(cls, url: str | None, info: ValidationInfo) -> str | None:
        engine = info.data.get("engine")
        if engine != "postgres":
            if url is not None:
                raise ValueError(_refuse(str(engine)))
            return url
        if url is None:
            msg = "engine 'postgres' needs the database URL"
            raise ValueError(msg)
        if not url.startswith(("postgresql://", "postgresql+asyncpg://", "postgres://")):
            msg = "must start with postgresql://"
            raise ValueError(msg)
        if _PASSWORD_IN_URL.match(url):
            msg = "holds a password; remove it and name the environment variable holding it in password_env"
            raise ValueError(msg)
        return url

    @field_validator("query")
    @classmethod
    def _table_or_query(cls, query: str | None, info: ValidationInfo) -> str | None:
        engine, table = info.data.get("engine"), info.data.get("table")
        if engine != "postgres":
            if query is not None:
                raise ValueError(_refuse(str(engine)))
            return query
        if (query is None) == (table is None):
            msg = "give exactly one of table and query"
            raise ValueError(msg)
        return query

    def describe(self) -> str:
        """The source in words, for reasons and logs: never a password (none is stored)."""
        if self.engine == "postgres":
            what = f"table {self.table!r}" if self.table is not None else "a query"
            return f"postgres {what} at {self.url}"
        shown = ", ".join(self.paths or [])
        return f"{self.engine} {self.format} files {shown}"


class SourceOpener(Protocol):
    """Builds the counting source an option names (the composition root gives the engines' adapters)."""

    def open(self, option: SourceOption) -> SummarySource:
        """The source of ``option``.

        Raises:
            ValidationError: The source cannot be built (an unset password variable, an unknown engine);
                the message names the source, never a password.
        """
        ...
