"""Turning the rows of the PostgreSQL counting statements into a window summary.

The bins statement returns one row per key with its count: a feature's bins are the keys from its
offset (:func:`~aumos_drift_detector.adapters.sources.postgres_statements.bin_offsets`) on, and the key
``None`` (missing values) is left out. The moments statement returns one row: the row count, then six
aggregates per numeric feature. The categorical statement returns, per grouping set, the value of each
feature, one ``GROUPING`` flag per feature and the count (see
:mod:`~aumos_drift_detector.adapters.sources.postgres_statements`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from aumos_drift_detector.adapters.sources.assembly import categorical_counts, moments_from, numeric_counts
from aumos_drift_detector.adapters.sources.postgres_statements import bin_offsets
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts
from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

Row = tuple[Any, ...]


def assemble(
    layout: SummaryLayout, by_bin: Sequence[Row], moments: Row | None, by_value: Sequence[Row]
) -> WindowSummary:
    """The summary from the rows of the bins, moments and categorical statements.

    Args:
        layout: The layout the statements counted into.
        by_bin: Rows of the bins statement (empty when the layout has no numeric feature).
        moments: The row of the moments statement (``None`` when the layout has no numeric feature).
        by_value: Rows of the categorical statement (empty when it was not run).
    """
    numeric = [bins for bins in layout.features if isinstance(bins, NumericBins)]
    categorical = [bins for bins in layout.features if isinstance(bins, CategoricalBins)]
    bins_of = _bins_by_feature(numeric, by_bin)
    total_rows = int(moments[0]) if moments is not None else 0
    values_of: list[list[tuple[Any, int]]] = [[] for _ in categorical]
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
        aggregates = moments[1 + 6 * index : 7 + 6 * index] if moments is not None else ()
        counted[bins.name] = numeric_counts(bins, bins_of[index], moments_from(*aggregates))
    for index, categories in enumerate(categorical):
        counted[categories.name] = categorical_counts(categories, values_of[index])
    return WindowSummary(layout, tuple(counted[name] for name in layout.names), total_rows)


def _bins_by_feature(numeric: Sequence[NumericBins], by_key: Sequence[Row]) -> list[dict[int, int]]:
    """Per numeric feature, its bins' counts from the counts per key."""
    offsets = bin_offsets(numeric)
    bins_of: list[dict[int, int]] = [{} for _ in numeric]
    for key, count in by_key:
        if key is not None:
            feature = bisect_right(offsets, int(key)) - 1
            bins_of[feature][int(key) - offsets[feature]] = int(count)
    return bins_of
