"""Counting Parquet or CSV files (a path, a list or a glob) into a window summary with DuckDB, in-process.

Two ways of counting, with identical counts (the tests check it):

* ``counting="stream"`` (the default): DuckDB reads, decodes and projects the files in its own threads
  and hands over the layout's columns in Arrow batches of ``batch_rows`` rows; the columns of a batch
  are counted in parallel threads by :mod:`aumos_drift_detector.core.summaries.counting` (a sort and
  one lookup per edge) and the batch summaries are merged. Memory stays at one batch.
* ``counting="sql"``: one SQL aggregate returns only the counts (below). On these machines DuckDB's
  ``histogram`` with thousands of boundaries counts a few million values per second, several times
  slower than the stream, so it is kept for when the rows should not cross into Python at all.

The SQL query is one scan for every feature. For a numeric feature with edges ``e_1 < ... < e_k``, DuckDB's
``histogram(x, boundaries)`` aggregate counts values ``x <= b`` per boundary ``b`` (a binary search per
row, no sort); with ``b_i`` the largest float64 below ``e_i``, ``x <= b_i`` is exactly ``x < e_i``, so
its buckets are the bins ``(-inf, e_1), [e_1, e_2), ..., [e_k, +inf]`` of the layout and its overflow
bucket the last one. Moments come from ``count``, ``sum``, ``min`` and ``max`` filtered to finite
values. A categorical feature comes back as ``histogram(c)`` -- its distinct values and their
counts -- and the count of its nulls.

The query is built from identifiers quoted by DuckDB's rules and bound parameters (the paths and
every boundary), never from values pasted into SQL.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import duckdb
import pyarrow as pa
import structlog

from aumos_drift_detector.adapters.sources.assembly import (
    categorical_counts,
    check_columns,
    lowered_boundaries,
    moments_from,
    numeric_counts,
)
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries.counting import count_categorical, count_numeric
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts
from aumos_drift_detector.core.summaries.layout import FeatureBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

logger = structlog.get_logger(__name__)

FileFormat = Literal["parquet", "csv"]
Counting = Literal["stream", "sql"]
DEFAULT_BATCH_ROWS = 1_000_000
_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "U")


def quote(identifier: str) -> str:
    """A DuckDB identifier in double quotes, inner quotes doubled.

    >>> print(quote('a"b'))
    "a""b"
    """
    return '"' + identifier.replace('"', '""') + '"'


def numeric_aggregates(column: str, boundaries_parameter: int) -> list[str]:
    """The seven aggregates of a numeric column: bin histogram, finite count, sum, sum of squares, min, max, missing."""
    x = f"CAST({quote(column)} AS DOUBLE)"
    finite = f"FILTER (WHERE isfinite({x}))"
    return [
        f"histogram({x}, ${boundaries_parameter}::DOUBLE[]) FILTER (WHERE NOT isnan({x}))",
        f"count({x}) {finite}",
        f"sum({x}) {finite}",
        f"sum({x} * {x}) {finite}",
        f"min({x}) {finite}",
        f"max({x}) {finite}",
        f"count(*) FILTER (WHERE {x} IS NULL OR isnan({x}))",
    ]


class DuckDbSource:
    """Files counted by DuckDB where they lie; only the counts come back.

    ``DuckDbSource("lake/events/*.parquet").count(layout)`` reads the files once, in DuckDB's threads,
    and returns a :class:`WindowSummary`; the rows never enter Python.
    """

    def __init__(
        self,
        paths: str | Sequence[str],
        *,
        file_format: FileFormat = "parquet",
        threads: int | None = None,
        counting: Counting = "stream",
        batch_rows: int = DEFAULT_BATCH_ROWS,
    ) -> None:
        """Name the files to count.

        Args:
            paths: A path, a glob (``data/*.parquet``) or a list of them.
            file_format: ``"parquet"`` or ``"csv"`` (with a header row).
            threads: DuckDB worker threads (its default when ``None``).
            counting: ``"stream"`` (Arrow batches counted by numpy) or ``"sql"`` (one aggregate query).
            batch_rows: Rows per Arrow batch when streaming.
        """
        self._paths = [paths] if isinstance(paths, str) else list(paths)
        self._format = file_format
        self._threads = threads
        self._counting = counting
        self._batch_rows = batch_rows

    def _relation(self) -> str:
        reader = "read_parquet" if self._format == "parquet" else "read_csv"
        options = "" if self._format == "parquet" else ", header = true"
        return f"{reader}($1::VARCHAR[]{options})"

    def _connect(self) -> duckdb.DuckDBPyConnection:
        connection = duckdb.connect(":memory:")
        if self._threads is not None:
            connection.execute(f"SET threads = {int(self._threads)}")
        return connection

    def _columns(self, connection: duckdb.DuckDBPyConnection) -> dict[str, bool]:
        try:
            statement = f"DESCRIBE SELECT * FROM {self._relation()}"  # noqa: S608 - the paths are a bound parameter
            described = connection.execute(statement, [self._paths]).fetchall()
        except duckdb.Error as error:  # missing or unreadable files, a file that is not Parquet or CSV
            raise self._unreadable("read", error) from error
        return {str(row[0]): str(row[1]).upper().startswith(_NUMERIC_TYPES) for row in described}

    def count(self, layout: SummaryLayout) -> WindowSummary:
        """Count every row of the files into ``layout``.

        Raises:
            ValidationError: Unreadable files, a missing feature column, or text where numbers belong.
        """
        with self._connect() as connection:
            check_columns(layout, self._columns(connection), source=repr(self._paths))
            try:
                if self._counting == "stream":
                    return self._stream(connection, layout)
                return self._aggregate(connection, layout)
            except duckdb.Error as error:  # a file that breaks off, a value that does not convert
                raise self._unreadable("count", error) from error

    def _unreadable(self, verb: str, error: duckdb.Error) -> ValidationError:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return ValidationError(f"cannot {verb} the source {self._paths!r}: {first}", details={"source": self._paths})

    def _aggregate(self, connection: duckdb.DuckDBPyConnection, layout: SummaryLayout) -> WindowSummary:
        selects: list[str] = ["count(*)"]
        parameters: list[Any] = [self._paths]
        for bins in layout.features:
            if isinstance(bins, NumericBins):
                parameters.append(lowered_boundaries(bins.edges))
                selects.extend(numeric_aggregates(bins.name, len(parameters)))
            else:
                column = quote(bins.name)
                selects += [f"histogram({column})", f"count(*) FILTER (WHERE {column} IS NULL)"]
        query = f"SELECT {', '.join(selects)} FROM {self._relation()}"  # noqa: S608 - quoted identifiers only
        row = connection.execute(query, parameters).fetchone()
        if row is None:  # pragma: no cover - an aggregate always returns one row
            raise ValidationError("the counting query returned nothing")
        logger.info("source_counted", engine="duckdb", rows=int(row[0]), features=len(layout.features))
        return WindowSummary(layout, _assemble(layout, list(row[1:])), int(row[0]))

    def _stream(self, connection: duckdb.DuckDBPyConnection, layout: SummaryLayout) -> WindowSummary:
        columns = [
            f"CAST({quote(bins.name)} AS DOUBLE)" if isinstance(bins, NumericBins) else quote(bins.name)
            for bins in layout.features
        ]
        query = f"SELECT {', '.join(columns) or 'NULL'} FROM {self._relation()}"  # noqa: S608 - quoted identifiers
        reader = connection.sql(query, params=[self._paths]).to_arrow_reader(self._batch_rows)
        total = WindowSummary.empty(layout)
        with ThreadPoolExecutor(max_workers=self._threads or os.cpu_count() or 1) as pool:
            for batch in reader:
                counted = pool.map(_count_column, layout.features, batch.columns)
                total = total.merge(WindowSummary(layout, tuple(counted), batch.num_rows))
        logger.info("source_counted", engine="duckdb", rows=total.rows, features=len(layout.features))
        return total


def _count_column(bins: FeatureBins, column: pa.Array | pa.ChunkedArray) -> FeatureCounts:
    """Count one Arrow column of a batch (numpy sorts and searches release the GIL, so columns run in parallel)."""
    if isinstance(bins, NumericBins):
        return count_numeric(bins, column.to_numpy(zero_copy_only=False))
    return count_categorical(bins, column.to_pylist())


def _assemble(layout: SummaryLayout, values: list[Any]) -> tuple[FeatureCounts, ...]:
    features: list[FeatureCounts] = []
    cursor = 0
    for bins in layout.features:
        if isinstance(bins, NumericBins):
            histogram, *aggregates = values[cursor : cursor + 7]
            cursor += 7
            index = {bound: position for position, bound in enumerate(lowered_boundaries(bins.edges))}
            by_bin: dict[int, int] = {}
            for bound, n in (histogram or {}).items():
                position = index.get(float(bound), bins.n_bins - 1)
                by_bin[position] = by_bin.get(position, 0) + int(n)
            features.append(numeric_counts(bins, by_bin, moments_from(*aggregates)))
        else:
            histogram, nulls = values[cursor : cursor + 2]
            cursor += 2
            features.append(categorical_counts(bins, [*(histogram or {}).items(), (None, int(nulls))]))
    return tuple(features)
