"""Counting Parquet or CSV files into a window summary with Spark, for data that needs a cluster.

The session is the caller's (``local[*]`` in tests, a cluster URL in production). Three kinds of job
run where the data is, and only counts reach the driver:

* the bins of every numeric feature at once: Spark ML's ``Bucketizer`` with splits
  ``[-inf, e_1, ..., e_k, +inf]`` puts a value in bucket ``j`` when ``e_j <= x < e_(j+1)`` (a binary
  search per row; the last bucket also takes ``+inf``), which is exactly the layout's bin ``j``;
  ``NaN`` goes to an extra bucket and ``null`` to none, both dropped (they are the missing count).
  Spark orders ``-0.0`` below ``0.0`` where numpy and DuckDB hold them equal, so values are read as
  ``x + 0.0`` (which turns ``-0.0`` into ``0.0``; the layout's edges are never ``-0.0``).
  The buckets of all features are exploded into ``(feature, bin)`` pairs and counted in one
  aggregation;
* the moments of every numeric feature, in one aggregation over the finite values;
* per categorical feature, its distinct values and their counts.

The counts are identical to :class:`~aumos_drift_detector.adapters.sources.duckdb_source.DuckDbSource`
on the same files (the tests check it); the float sums agree up to the order of additions.

Whatever Spark raises while reading or counting (a missing path, a file that is not Parquet, a lost
executor) becomes a :class:`ValidationError` naming the files, with the first line of Spark's message:
a failed detection of the run, never an error of the service.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import structlog
from pyspark.ml.feature import Bucketizer
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812 - the conventional name
from pyspark.sql.types import NumericType

from aumos_drift_detector.adapters.sources.assembly import (
    categorical_counts,
    check_columns,
    moments_from,
    numeric_counts,
)
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts
from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

logger = structlog.get_logger(__name__)

FileFormat = Literal["parquet", "csv"]
_CALL_LINE = re.compile(r"^An error occurred while calling \S+\.?$")
_JAVA_CLASS = re.compile(r"^:?\s*(?:[\w$]+\.)+[\w$]*(?:Exception|Error): ")
_MAX_REASON = 500


def spark_error(error: BaseException) -> bool:
    """Whether ``error`` comes from Spark: PySpark's own errors and the JVM bridge's (py4j)."""
    return any(kind.__module__.startswith(("pyspark.", "py4j.")) for kind in type(error).__mro__)


def first_line(error: BaseException) -> str:
    r"""The first line of a Spark error that says what went wrong, without the JVM's call and class prefixes.

    >>> first_line(RuntimeError("An error occurred while calling o35.parquet.\n: org.apache.spark.Spark"
    ...     "Exception: [FAILED_READ_FILE] Encountered error while reading file f.parquet.\n\tat org..."))
    '[FAILED_READ_FILE] Encountered error while reading file f.parquet.'
    """
    for line in str(error).splitlines():
        line = line.strip()
        if line and not _CALL_LINE.match(line):
            return _JAVA_CLASS.sub("", line)[:_MAX_REASON]
    return type(error).__name__


def _finite(column: Column) -> Column:
    return column.isNotNull() & ~F.isnan(column) & (F.abs(column) != F.lit(float("inf")))


class SparkSource:
    """Files counted by a Spark session where they lie; only the counts come back."""

    def __init__(
        self, session: SparkSession, paths: str | Sequence[str], *, file_format: FileFormat = "parquet"
    ) -> None:
        """Name the files to count and the session that counts them.

        Args:
            session: The Spark session (its master decides where the counting runs).
            paths: A path, a glob or a list of them (any file system the session can read).
            file_format: ``"parquet"`` or ``"csv"`` (with a header row, types inferred).
        """
        self._session = session
        self._paths = [paths] if isinstance(paths, str) else list(paths)
        self._format = file_format

    @contextmanager
    def _reading(self, verb: str) -> Iterator[None]:
        try:
            yield
        except Exception as error:
            if not spark_error(error):
                raise
            raise ValidationError(
                f"cannot {verb} the source {self._paths!r}: {first_line(error)}", details={"source": self._paths}
            ) from error

    def _frame(self) -> DataFrame:
        with self._reading("read"):
            if self._format == "parquet":
                return self._session.read.parquet(*self._paths)
            return self._session.read.csv(self._paths, header=True, inferSchema=True)

    def count(self, layout: SummaryLayout) -> WindowSummary:
        """Count every row of the files into ``layout``.

        Raises:
            ValidationError: Unreadable files, a missing feature column, text where numbers belong, or
                a Spark job that failed; the message names the files.
        """
        frame = self._frame()
        with self._reading("count"):
            return self._count(frame, layout)

    def _count(self, frame: DataFrame, layout: SummaryLayout) -> WindowSummary:
        numeric_columns = {field.name: isinstance(field.dataType, NumericType) for field in frame.schema.fields}
        check_columns(layout, numeric_columns, source=repr(self._paths))
        numeric = [bins for bins in layout.features if isinstance(bins, NumericBins)]
        doubles = frame.select(
            *[
                (F.col(f"`{bins.name}`").cast("double") + F.lit(0.0)).alias(f"x{index}")
                for index, bins in enumerate(numeric)
            ],
            *[F.col(f"`{bins.name}`") for bins in layout.features if isinstance(bins, CategoricalBins)],
        )
        rows, moments = _moments(doubles, len(numeric))
        by_bin = _bin_counts(doubles, numeric)
        features: list[FeatureCounts] = []
        for bins in layout.features:
            if isinstance(bins, NumericBins):
                index = numeric.index(bins)
                features.append(numeric_counts(bins, by_bin.get(index, {}), moments_from(*moments[index])))
            else:
                pairs = [(row[0], int(row[1])) for row in doubles.groupBy(f"`{bins.name}`").count().collect()]
                features.append(categorical_counts(bins, pairs))
        logger.info("source_counted", engine="spark", rows=rows, features=len(layout.features))
        return WindowSummary(layout, tuple(features), rows)


def _moments(frame: DataFrame, n_numeric: int) -> tuple[int, list[tuple[Any, ...]]]:
    aggregates: list[Column] = [F.count(F.lit(1))]
    for index in range(n_numeric):
        x = F.col(f"x{index}")
        finite = F.when(_finite(x), x)
        aggregates += [
            F.count(finite),
            F.sum(finite),
            F.sum(finite * finite),
            F.min(finite),
            F.max(finite),
            F.sum(F.when(x.isNull() | F.isnan(x), 1).otherwise(0)),
        ]
    row = frame.agg(*aggregates).collect()[0]
    values = list(row)
    return int(values[0]), [tuple(values[1 + 6 * index : 7 + 6 * index]) for index in range(n_numeric)]


def _bin_counts(frame: DataFrame, numeric: list[NumericBins]) -> dict[int, dict[int, int]]:
    if not numeric:
        return {}
    inputs = [f"x{index}" for index in range(len(numeric))]
    outputs = [f"b{index}" for index in range(len(numeric))]
    splits = [[float("-inf"), *(float(edge) for edge in bins.edges), float("inf")] for bins in numeric]
    bucketed = Bucketizer(splitsArray=splits, inputCols=inputs, outputCols=outputs, handleInvalid="keep").transform(
        frame
    )
    pairs = F.explode(
        F.array(
            *[
                F.struct(F.lit(index).alias("f"), F.col(name).cast("int").alias("b"))
                for index, name in enumerate(outputs)
            ]
        )
    )
    counted = (
        bucketed.select(pairs.alias("p"))
        .select("p.f", "p.b")
        .where(F.col("b").isNotNull())
        .groupBy("f", "b")
        .count()
        .collect()
    )
    result: dict[int, dict[int, int]] = {}
    for row in counted:
        feature, bucket = int(row["f"]), int(row["b"])
        if bucket < numeric[feature].n_bins:  # the extra bucket is NaN
            result.setdefault(feature, {})[bucket] = int(row["count"])
    return result
