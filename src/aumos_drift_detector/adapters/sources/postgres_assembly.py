"""Turning the rows of the PostgreSQL counting statements into a window summary.

The numeric statement returns one row per (feature index, bin) with the bin's rows and the moments'
aggregates of its finite values; the bin ``None`` holds the missing values. The categorical statement
returns, per grouping set, the value of each feature, one ``GROUPING`` flag per feature and the count
(see :mod:`~aumos_drift_detector.adapters.sources.postgres_statements`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aumos_drift_detector.adapters.sources.assembly import categorical_counts, moments_from, numeric_counts
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts
from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.moments import Moments
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

Row = tuple[Any, ...]


def assemble(layout: SummaryLayout, by_bin: Sequence[Row], by_value: Sequence[Row]) -> WindowSummary:
    """The summary from the rows of the numeric statement and of the categorical statement.

    Args:
        layout: The layout both statements counted into.
        by_bin: Rows of the numeric statement (empty when the layout has no numeric feature).
        by_value: Rows of the categorical statement (empty when it was not needed: the layout has
            numeric features and no categorical one).
    """
    numeric = [bins for bins in layout.features if isinstance(bins, NumericBins)]
    categorical = [bins for bins in layout.features if isinstance(bins, CategoricalBins)]
    bins_of: list[dict[int, int]] = [{} for _ in numeric]
    moments_of: list[list[Moments]] = [[] for _ in numeric]
    for feature, bucket, rows, finite, total, squares, low, high in by_bin:
        if bucket is None:
            moments_of[feature].append(Moments(missing=int(rows)))
        else:
            bins_of[feature][int(bucket)] = int(rows)
            moments_of[feature].append(moments_from(finite, total, squares, low, high, 0))
    values_of: list[list[tuple[Any, int]]] = [[] for _ in categorical]
    total_rows = sum(int(row[2]) for row in by_bin if row[0] == 0)
    width = len(categorical)
    for row in by_value:
        values, flags, count = row[:width], row[width : 2 * width], int(row[-1])
        own = [index for index, flag in enumerate(flags) if flag == 0]
        if own:
            values_of[own[0]].append((values[own[0]], count))
        else:
            total_rows = count
    counted: dict[str, FeatureCounts] = {}
    for index, bins in enumerate(numeric):
        counted[bins.name] = numeric_counts(bins, bins_of[index], Moments.combine(moments_of[index]))
    for index, categories in enumerate(categorical):
        counted[categories.name] = categorical_counts(categories, values_of[index])
    return WindowSummary(layout, tuple(counted[name] for name in layout.names), total_rows)
