"""Counting rows held in memory into a :class:`~.window_summary.WindowSummary` (numpy only).

This is the in-process counter: a batch received through the API or Kafka is counted here. Sources
that count where the data lives (DuckDB, Spark) produce the same counts with a query; the tests
check that they agree with this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from aumos_drift_detector.core.compilation import jit_disabled
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.category_counts import CategoryCounts, category_label
from aumos_drift_detector.core.statistical.columns import as_columns
from aumos_drift_detector.core.statistical.histogram import counts_by_edges
from aumos_drift_detector.core.summaries.bin_kernel import bucket_starts, count_and_moments
from aumos_drift_detector.core.summaries.feature_counts import CategoricalCounts, CountArray, NumericCounts
from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.moments import FloatArray, Moments
from aumos_drift_detector.core.summaries.window_summary import WindowSummary


def numeric_bin_counts(values: FloatArray, edges: FloatArray) -> CountArray:
    """Counts of the non-``NaN`` values in the bins ``(-inf, e_1), [e_1, e_2), ..., [e_k, +inf]``.

    The values are sorted once and the edges looked up in them (``counts_by_edges`` of the statistical
    library), several times faster than looking every value up in the edges.

    Example:
        >>> numeric_bin_counts(np.array([-np.inf, 0.0, 1.0, 1.5, np.nan, 9.0]), np.array([1.0, 2.0])).tolist()
        [2, 2, 1]
    """
    ordered = np.sort(values)  # NaN sorts last
    return counts_by_edges(ordered[: ordered.size - int(np.count_nonzero(np.isnan(values)))], edges)


def sorted_counts(values: FloatArray, edges: FloatArray) -> tuple[CountArray, Moments]:
    """Bin counts and moments from one sort of the values (what :func:`count_numeric` uses)."""
    ordered = np.sort(values)  # NaN sorts last
    missing = int(np.count_nonzero(np.isnan(ordered))) if ordered.size and np.isnan(ordered[-1]) else 0
    return counts_by_edges(ordered[: ordered.size - missing], edges), Moments.of_sorted(ordered, missing)


def binned_counts(values: FloatArray, edges: FloatArray) -> tuple[CountArray, Moments]:
    """Bin counts and moments in one compiled pass over unsorted values (:mod:`.bin_kernel`).

    The same counts as :func:`sorted_counts` without sorting; that sort-based form runs instead when the
    kernels are not compiled (``AUMOS_DRIFT_NO_JIT``) or the edges are empty or not finite.

    Example:
        >>> counts, moments = binned_counts(np.array([-np.inf, 0.0, 1.0, 1.5, np.nan, 9.0]), np.array([1.0, 2.0]))
        >>> counts.tolist(), moments.count, moments.missing, moments.maximum
        ([2, 2, 1], 4, 1, 9.0)
    """
    if jit_disabled() or edges.size == 0 or not np.all(np.isfinite(edges)):
        return sorted_counts(values, edges)
    starts, origin, scale, by_key = bucket_starts(edges)
    counts, stats = count_and_moments(np.ascontiguousarray(values), edges, starts, origin, scale, by_key)
    missing, count = int(stats[0]), int(stats[1])
    if count == 0:
        return counts, Moments(missing=missing)
    return counts, Moments(count, float(stats[2]), float(stats[3]), float(stats[4]), float(stats[5]), missing)


def count_numeric(bins: NumericBins, values: Any) -> NumericCounts:
    """The counts and moments of one numeric column.

    Raises:
        ValidationError: Values that are not numbers.
    """
    try:
        array = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError) as error:
        raise ValidationError(
            f"feature {bins.name!r} must hold numbers", details={"feature": bins.name, "error": str(error)}
        ) from error
    counts, moments = binned_counts(array, bins.edges)
    return NumericCounts(bins.name, counts, moments)


def count_categorical(bins: CategoricalBins, values: Any) -> CategoricalCounts:
    """The counts per label (``other`` last) and the missing count of one categorical column."""
    codes = bins.codes
    other = len(bins.labels)
    counts = np.zeros(bins.n_bins, dtype=np.int64)
    missing = 0
    for value, occurrence in Counter(np.asarray(values, dtype=object).ravel().tolist()).items():
        label = category_label(value)
        if label is None:
            missing += int(occurrence)
        else:
            counts[codes.get(label, other)] += int(occurrence)
    return CategoricalCounts(bins.name, counts, missing)


def count_columns(layout: SummaryLayout, columns: Mapping[str, Any]) -> WindowSummary:
    """Count a batch of rows, given as a mapping of feature name to 1-D column, into a summary.

    Args:
        layout: The bins to count into.
        columns: One column per layout feature (extra columns are ignored), all of one length.

    Returns:
        The summary of the batch.

    Raises:
        ValidationError: A missing column, columns of different lengths, or non-numeric numbers.

    Example:
        >>> layout = SummaryLayout((NumericBins("x", np.array([0.0])), CategoricalBins("c", ("a",))))
        >>> summary = count_columns(layout, {"x": [-1.0, 2.0, 3.0], "c": ["a", "b", None]})
        >>> [item.counts.tolist() for item in summary.features], summary.rows
        ([[1, 2], [1, 1]], 3)
    """
    missing = [name for name in layout.names if name not in columns]
    if missing:
        raise ValidationError(f"the batch has no column {missing[0]!r}", details={"feature": missing[0]})
    lengths = {name: len(columns[name]) for name in layout.names}
    if len(set(lengths.values())) > 1:
        raise ValidationError("every column of a batch must have the same length", details={"lengths": lengths})
    features = tuple(
        count_numeric(bins, columns[bins.name])
        if isinstance(bins, NumericBins)
        else count_categorical(bins, columns[bins.name])
        for bins in layout.features
    )
    return WindowSummary(layout, features, next(iter(lengths.values()), 0))


def count_table(layout: SummaryLayout, data: Any) -> WindowSummary:
    """Count a stored or uploaded table into a summary, reading each column once.

    ``data`` is anything ``as_columns`` of the statistical library reads: a pyarrow table, a DataFrame, a
    mapping of columns.

    Categorical columns are counted by the column source's own category counting, so their labels are
    normalised exactly as the reference profile's were.

    Raises:
        ValidationError: A layout feature the table lacks, or a numeric feature that does not hold numbers.

    Example:
        >>> layout = SummaryLayout((NumericBins("x", np.array([0.0])), CategoricalBins("c", ("a",))))
        >>> summary = count_table(layout, {"x": [-1.0, 2.0, 3.0], "c": ["a", "b", None]})
        >>> [item.counts.tolist() for item in summary.features], summary.rows
        ([[1, 2], [1, 1]], 3)
    """
    source = as_columns(data)
    present = set(source.names)
    missing = [name for name in layout.names if name not in present]
    if missing:
        raise ValidationError(f"the batch has no column {missing[0]!r}", details={"feature": missing[0]})
    features: list[NumericCounts | CategoricalCounts] = []
    for bins in layout.features:
        if isinstance(bins, NumericBins):
            counts, moments = binned_counts(np.ascontiguousarray(source.numeric(bins.name)), bins.edges)
            features.append(NumericCounts(bins.name, counts, moments))
        else:
            features.append(_categories_into(bins, source.category_counts(bins.name)))
    return WindowSummary(layout, tuple(features), _rows(data))


def _categories_into(bins: CategoricalBins, found: CategoryCounts) -> CategoricalCounts:
    codes, other = bins.codes, len(bins.labels)
    counts = np.zeros(bins.n_bins, dtype=np.int64)
    for label, count in zip(found.labels, found.counts.tolist(), strict=True):
        counts[codes.get(label, other)] += int(count)
    return CategoricalCounts(bins.name, counts, int(found.n_missing))


def _rows(data: Any) -> int:
    rows = getattr(data, "num_rows", None)
    if rows is not None:
        return int(rows)
    return len(next(iter(data.values()))) if isinstance(data, Mapping) and data else 0
