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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import structlog
from pyspark.errors import AnalysisException
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

    def _frame(self) -> DataFrame:
        try:
            if self._format == "parquet":
                return self._session.read.parquet(*self._paths)
            return self._session.read.csv(self._paths, header=True, inferSchema=True)
        except AnalysisException as error:
            raise ValidationError(
                f"cannot read the source {self._paths!r}: {error}", details={"source": self._paths}
            ) from error

    def count(self, layout: SummaryLayout) -> WindowSummary:
        """Count every row of the files into ``layout``.

        Raises:
            ValidationError: Unreadable files, a missing feature column, or text where numbers belong.
        """
        frame = self._frame()
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
