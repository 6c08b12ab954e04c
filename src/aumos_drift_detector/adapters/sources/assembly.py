"""Turning what an engine returns (bin counts, moments, value counts) into a window summary.

Both engines return, per numeric feature, counts per bin index plus the moments, and per categorical
feature the raw distinct values with their counts. Labels are normalised here with the same
:func:`~aumos_drift_detector.core.statistical.category_counts.category_label` as the in-memory counter,
so every source produces the same summary from the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.category_counts import category_label
from aumos_drift_detector.core.summaries.feature_counts import CategoricalCounts, NumericCounts
from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.moments import Moments


def numeric_counts(bins: NumericBins, by_bin: Mapping[int, int], moments: Moments) -> NumericCounts:
    """Counts from a mapping of bin index (0 to ``k``) to count."""
    counts = np.zeros(bins.n_bins, dtype=np.int64)
    for index, count in by_bin.items():
        counts[index] += int(count)
    return NumericCounts(bins.name, counts, moments)


def moments_from(count: Any, total: Any, squares: Any, low: Any, high: Any, missing: Any) -> Moments:
    """Moments from an engine's aggregates (``None`` sums and extremes when no finite value was seen)."""
    n = int(count or 0)
    if n == 0:
        return Moments(missing=int(missing or 0))
    return Moments(n, float(total), float(squares), float(low), float(high), int(missing or 0))


def categorical_counts(bins: CategoricalBins, pairs: Iterable[tuple[Any, int]]) -> CategoricalCounts:
    """Counts from raw distinct values and their counts (missing values and unseen labels sorted out here)."""
    codes, other = bins.codes, len(bins.labels)
    counts = np.zeros(bins.n_bins, dtype=np.int64)
    missing = 0
    for value, count in pairs:
        label = category_label(value)
        if label is None:
            missing += int(count)
        else:
            counts[codes.get(label, other)] += int(count)
    return CategoricalCounts(bins.name, counts, missing)


def check_columns(layout: SummaryLayout, columns: Mapping[str, bool], *, source: str) -> None:
    """Refuse a source lacking a layout feature, or holding text where a numeric feature is expected.

    Args:
        layout: The layout to count into.
        columns: Column name to whether the engine sees it as numeric.
        source: How to name the source in the message.

    Raises:
        ValidationError: Naming the first offending feature.
    """
    for bins in layout.features:
        if bins.name not in columns:
            raise ValidationError(
                f"the source {source} has no column {bins.name!r}",
                details={"feature": bins.name, "columns": sorted(columns)},
            )
        if isinstance(bins, NumericBins) and not columns[bins.name]:
            raise ValidationError(
                f"column {bins.name!r} of the source {source} is not numeric", details={"feature": bins.name}
            )


def lowered_boundaries(edges: np.ndarray) -> list[float]:
    """The largest float64 below each edge: ``x <= lowered(e)`` exactly when ``x < e`` (for non-NaN ``x``).

    Example:
        >>> lowered_boundaries(np.array([1.0]))[0] < 1.0
        True
    """
    return [math.nextafter(float(edge), -math.inf) for edge in edges]
