"""Fixing a monitor's :class:`~.layout.SummaryLayout` from its reference profile, and the reference's own summary.

Numeric edges are the reference quantiles ``1/B, ..., (B-1)/B`` of
:func:`~aumos_drift_detector.core.statistical.histogram.quantile_edges` (ties merged), so each bin holds
about ``1/B`` of the reference; a feature with at most ``B`` distinct reference values gets those
values as edges instead, so each of its values has a bin of its own and every statistic from counts
is exact for it. Edges are finite: an infinite reference value counts in an outer bin. Categorical
features keep their ``max_categories`` most frequent reference labels.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, NumericalProfile
from aumos_drift_detector.core.statistical.histogram import counts_by_edges, distinct_values, quantile_edges
from aumos_drift_detector.core.statistical.profile import ReferenceProfile
from aumos_drift_detector.core.summaries.feature_counts import CategoricalCounts, FeatureCounts, NumericCounts
from aumos_drift_detector.core.summaries.layout import (
    DEFAULT_MAX_CATEGORIES,
    DEFAULT_SUMMARY_BINS,
    CategoricalBins,
    FeatureBins,
    NumericBins,
    SummaryLayout,
)
from aumos_drift_detector.core.summaries.moments import FloatArray, Moments
from aumos_drift_detector.core.summaries.window_summary import WindowSummary


def numeric_edges(reference_sorted: FloatArray, n_bins: int = DEFAULT_SUMMARY_BINS) -> FloatArray:
    """Interior edges for a sorted reference sample: its distinct values if at most ``n_bins``, else quantiles.

    Example:
        >>> numeric_edges(np.array([1.0, 1.0, 2.0, 7.0]), n_bins=10).tolist()
        [1.0, 2.0, 7.0]
        >>> numeric_edges(np.arange(101, dtype=float), n_bins=4).tolist()
        [25.0, 50.0, 75.0]
    """
    if n_bins < 1:
        raise ValidationError("n_bins must be at least 1", details={"n_bins": n_bins})
    present = _without_nan(reference_sorted)
    if present.size == 0:
        return np.zeros(0, dtype=np.float64)
    values = distinct_values(present, n_bins) if _may_have_few_values(present, n_bins) else None
    edges = values if values is not None else quantile_edges(present, n_bins)
    return np.asarray(edges[np.isfinite(edges)], dtype=np.float64)


def _without_nan(reference_sorted: FloatArray) -> FloatArray:
    """The sorted values without their ``NaN`` (which sort last): a view, not a copy."""
    if reference_sorted.size == 0 or not np.isnan(reference_sorted[-1]):
        return reference_sorted
    return reference_sorted[: int(np.searchsorted(np.isnan(reference_sorted), True))]


def _may_have_few_values(present: FloatArray, limit: int) -> bool:
    """False when ``limit + 1`` evenly spaced order statistics already differ (so there are more distinct values).

    This spares a pass over every value of a large continuous reference.
    """
    probes = present[np.linspace(0, present.size - 1, min(present.size, limit + 1)).astype(np.int64)]
    return bool(probes.size <= limit or np.any(probes[1:] == probes[:-1]))


def top_labels(labels: tuple[str, ...], counts: np.ndarray, max_categories: int) -> tuple[str, ...]:
    """The ``max_categories`` most frequent labels (ties broken by label), in the profile's order."""
    if max_categories < 1:
        raise ValidationError("max_categories must be at least 1", details={"max_categories": max_categories})
    ranked = sorted(range(len(labels)), key=lambda index: (-int(counts[index]), labels[index]))
    kept = set(ranked[:max_categories])
    return tuple(label for index, label in enumerate(labels) if index in kept)


def layout_from_profile(
    profile: ReferenceProfile,
    *,
    n_bins: int = DEFAULT_SUMMARY_BINS,
    max_categories: int = DEFAULT_MAX_CATEGORIES,
) -> SummaryLayout:
    """The layout of a monitor whose reference is ``profile``.

    Args:
        profile: The reference profile (it keeps the sorted reference values).
        n_bins: Numeric bins per feature (thousands keep the KS bound tight).
        max_categories: Labels kept per categorical feature before ``other``.

    Returns:
        The layout.
    """
    _refuse_counted(profile)
    features: list[FeatureBins] = []
    for item in profile.features:
        if isinstance(item, NumericalProfile):
            features.append(NumericBins(item.name, numeric_edges(item.sorted_values, n_bins)))
        else:
            features.append(CategoricalBins(item.name, top_labels(item.labels, item.counts, max_categories)))
    return SummaryLayout(tuple(features))


def _refuse_counted(profile: ReferenceProfile) -> None:
    """A profile that let its values go has its counts stored already; its bins cannot be fixed again."""
    if profile.counted:
        raise ValidationError(
            "the reference kept counts on its bins instead of values; its stored counts are the only ones",
            details={"problem": "counted_reference"},
        )


def _reference_counts(item: NumericalProfile | CategoricalProfile, bins: FeatureBins) -> FeatureCounts:
    if isinstance(item, NumericalProfile) and isinstance(bins, NumericBins):
        moments = Moments.of_sorted(np.asarray(item.sorted_values), 0)
        counts = counts_by_edges(item.sorted_values, bins.edges)
        return NumericCounts(item.name, counts, replace(moments, missing=item.n_missing))
    if isinstance(item, CategoricalProfile) and isinstance(bins, CategoricalBins):
        codes, other = bins.codes, len(bins.labels)
        counts = np.zeros(bins.n_bins, dtype=np.int64)
        for label, count in zip(item.labels, item.counts.tolist(), strict=True):
            counts[codes.get(label, other)] += count
        return CategoricalCounts(item.name, counts, item.n_missing)
    raise ValidationError(
        f"feature {item.name!r} is not of the kind its layout expects", details={"feature": item.name}
    )


def reference_summary(profile: ReferenceProfile, layout: SummaryLayout) -> WindowSummary:
    """The reference counted into ``layout``: the left side of every comparison from summaries.

    Raises:
        ValidationError: A layout that does not describe this profile's features.
    """
    _refuse_counted(profile)
    features = tuple(_reference_counts(profile.feature(bins.name), bins) for bins in layout.features)
    rows = max((item.n_total for item in profile.features), default=0)
    return WindowSummary(layout, features, rows)
