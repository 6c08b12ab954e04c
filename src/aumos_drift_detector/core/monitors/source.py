"""A monitor's source: where its current data lives, counted there instead of uploaded to the service.

``source`` is optional (``null``: the monitor compares the observations it receives). With it, a run
counts every row the source names into the reference's bins, where the data lives, and the service
only receives the counts (``docs/summaries.md``, "Monitors with a source"):

* ``{"engine": "duckdb", "paths": ["/data/scores/*.parquet"], "format": "parquet"}``: Parquet or CSV
  files, a list or globs, local or object storage, counted by DuckDB in the service's process.
* ``{"engine": "postgres", "url": "postgresql://reader@host:5432/lake", "password_env": "LAKE_PG_PASSWORD",
  "table": "scores"}`` (or ``"query": "SELECT ..."``): counted by the database in a read-only transaction.

A password is never stored: a URL holding one is refused, and ``password_env`` names the environment
variable of the service the password is read from at run time.

>>> from aumos_drift_detector.core.validation import parse
>>> parse(SourceOption, {"engine": "duckdb", "paths": ["/d/*.parquet"]}).format
'parquet'
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

SourceEngine = Literal["duckdb", "postgres"]
_PASSWORD_IN_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*:[^/@]*@")
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"
_FILE_ENGINES = ("duckdb",)
#: A one-line string: no control characters (PostgreSQL text cannot hold NUL).
Line = Annotated[str, Field(min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$")]


def _refuse(engine: str) -> str:
    return f"does not apply to engine {engine!r}"


class SourceOption(DomainModel):
    """Where a monitor's current data lives: files counted by DuckDB, or a PostgreSQL table or query."""

    engine: SourceEngine = Field(description="'duckdb': Parquet/CSV files; 'postgres': a table or query")
    paths: list[Line] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        validate_default=True,
        description="duckdb: file paths or globs (local, s3://, https://)",
        examples=[["/data/scores/*.parquet"]],
    )
    format: Literal["parquet", "csv"] = Field(default="parquet", description="duckdb: the files' format")
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
            if query is not None or table is not None or info.data.get("password_env") is not None:
                msg = f"table, query and password_env do not apply to engine {engine!r}"
                raise ValueError(msg)
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
        return f"duckdb {self.format} files {shown}"


class SourceOpener(Protocol):
    """Builds the counting source an option names (the composition root gives the engines' adapters)."""

    def open(self, option: SourceOption) -> SummarySource:
        """The source of ``option``.

        Raises:
            ValidationError: The source cannot be built (an unset password variable, an unknown engine);
                the message names the source, never a password.
        """
        ...
