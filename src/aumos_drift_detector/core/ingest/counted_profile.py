"""The stored profile of a reference known only by its counts: a rolling version added up from window summaries.

A rolling version built from stored summaries (:mod:`.rolling_summaries`) has no rows to profile, only
their counts on the earlier version's bins. Its profile is a counted one (:attr:`NumericalProfile.counted`:
no values kept; every check of it runs on the counts stored beside it), whose facts come from the counts:

* numerical: rows, missing values and infinities, and mean, standard deviations, minimum and maximum
  from the exact :class:`~aumos_drift_detector.core.summaries.moments.Moments`; the quartiles and the
  binned tests' quantile edges are **estimated** from the bin counts, each value spread evenly over its
  bin (the outer bins closed by the smallest and largest finite value), so they are within one bin of
  the exact ones; ``n_distinct`` is the number of bins holding a value, a lower bound of the distinct
  values (a feature binned by value has each value in a bin of its own, so it is then exact);
* categorical and binary: the labels of the bins holding a value with their counts, the bucket of the
  labels outside the bins counted under :data:`~aumos_drift_detector.core.summaries.layout.OTHER` (a
  label no bin may have), so ``n_total - n_missing`` is every value counted.

Tests, thresholds and weights are the earlier version's (the same features, bins and kinds); a run
takes the monitor's configured ones over them, as it does for any version.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, FeatureProfile, NumericalProfile
from aumos_drift_detector.core.summaries.feature_counts import CategoricalCounts, FeatureCounts, NumericCounts
from aumos_drift_detector.core.summaries.layout import OTHER, CategoricalBins, FeatureBins, NumericBins
from aumos_drift_detector.core.summaries.moments import Moments
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

FloatArray = npt.NDArray[np.float64]
CountArray = npt.NDArray[np.int64]

_QUARTILES = np.array([0.25, 0.5, 0.75])


def estimated_quantiles(counts: CountArray, lows: FloatArray, highs: FloatArray, quantiles: FloatArray) -> FloatArray:
    """Quantiles of values known by their bin counts, each bin's values spread evenly over ``[low, high]``.

    Example:
        >>> counts = np.array([2, 0, 2])
        >>> estimated_quantiles(counts, np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 4.0]), np.array([0.5, 0.75]))
        array([1., 3.])
    """
    cumulative = np.cumsum(counts)
    ranks = np.asarray(quantiles, dtype=np.float64) * float(cumulative[-1])
    found = np.minimum(np.searchsorted(cumulative, ranks, side="left"), counts.size - 1)
    before = cumulative[found] - counts[found]
    share = (ranks - before) / np.maximum(counts[found], 1)
    return np.asarray(lows[found] + share * (highs[found] - lows[found]), dtype=np.float64)


def split_infinities(counts: NumericCounts, edges: FloatArray) -> tuple[int, int]:
    """How many ``-inf`` and ``+inf`` the counts hold (they are in the outer bins, outside the moments).

    Their total is exact (values counted in bins less the finite ones). The split is exact when an outer
    bin can hold no finite value (the smallest finite value at or above the first edge, or the largest
    below the last); when both outer bins also hold finite values the counts cannot tell, and the first
    bin's share beyond one finite value is counted as ``-inf``, the rest as ``+inf``.

    Example:
        >>> from aumos_drift_detector.core.summaries.counting import count_numeric
        >>> bins = NumericBins("x", np.array([0.0, 1.0]))
        >>> split_infinities(count_numeric(bins, np.array([-np.inf, 0.5, 0.7, 5.0, np.inf])), bins.edges)
        (1, 1)
    """
    moments = counts.moments
    infinite = counts.n_values - moments.count
    if infinite <= 0 or edges.size == 0:
        return 0, max(infinite, 0)
    first, last = int(counts.counts[0]), int(counts.counts[-1])
    if moments.count == 0 or moments.minimum >= edges[0]:
        return first, infinite - first
    if moments.maximum < edges[-1]:
        return infinite - last, last
    negative = min(infinite, max(first - 1, 0))
    return negative, infinite - negative


def _finite_bins(counts: NumericCounts, edges: FloatArray) -> tuple[CountArray, FloatArray, FloatArray]:
    """The bins' counts of finite values, and each bin closed within the finite values' range."""
    moments = counts.moments
    negative, positive = split_infinities(counts, edges)
    finite = np.array(counts.counts, dtype=np.int64)
    finite[0] -= negative
    finite[-1] -= positive
    np.maximum(finite, 0, out=finite)
    lows = np.clip(np.concatenate([[moments.minimum], edges]), moments.minimum, moments.maximum)
    highs = np.clip(np.concatenate([edges, [moments.maximum]]), moments.minimum, moments.maximum)
    return finite, lows, np.maximum(highs, lows)


def moments_summary(counts: NumericCounts, edges: FloatArray) -> dict[str, float]:
    """Mean, standard deviations and extremes from the moments, quartiles estimated from the bins (empty if none)."""
    moments: Moments = counts.moments
    if moments.count == 0:
        return {}
    finite, lows, highs = _finite_bins(counts, edges)
    if int(finite.sum()) == 0:  # pragma: no cover - a guessed split of infinities left no finite value
        finite, lows, highs = np.array([moments.count]), np.array([moments.minimum]), np.array([moments.maximum])
    p25, median, p75 = estimated_quantiles(finite, lows, highs, _QUARTILES)
    n = moments.count
    sample_std = math.sqrt(moments.variance * n / (n - 1)) if n > 1 else 0.0
    return {
        "mean": moments.mean,
        "std": sample_std,
        "population_std": moments.std,
        "min": moments.minimum,
        "p25": float(p25),
        "median": float(median),
        "p75": float(p75),
        "max": moments.maximum,
    }


def _test_edges(counts: NumericCounts, edges: FloatArray, n_bins: int, n_distinct: int) -> FloatArray:
    """The binned tests' quantile edges, estimated from the bins (empty when they bin by value)."""
    if n_distinct <= n_bins or counts.moments.count == 0:
        return np.zeros(0, dtype=np.float64)
    finite, lows, highs = _finite_bins(counts, edges)
    if int(finite.sum()) == 0:  # pragma: no cover - a guessed split of infinities left no finite value
        return np.zeros(0, dtype=np.float64)
    return np.unique(estimated_quantiles(finite, lows, highs, np.arange(1, n_bins) / n_bins))


def _numerical(counts: NumericCounts, bins: NumericBins, earlier: NumericalProfile, rows: int) -> NumericalProfile:
    n_distinct = int(np.count_nonzero(counts.counts))
    negative, positive = split_infinities(counts, bins.edges)
    edges = _test_edges(counts, bins.edges, earlier.bins, n_distinct)
    empty = np.zeros(0, dtype=np.float64)
    for array in (edges, empty):
        array.setflags(write=False)
    return NumericalProfile(
        name=earlier.name,
        test=earlier.test,
        threshold=earlier.threshold,
        weight=earlier.weight,
        sorted_values=empty,
        edges=edges,
        bins=earlier.bins,
        n_total=rows,
        n_missing=counts.missing,
        n_neg_inf=negative,
        n_pos_inf=positive,
        n_distinct=n_distinct,
        summary=moments_summary(counts, bins.edges),
        counted=True,
    )


def _categorical(counts: CategoricalCounts, labels: tuple[str, ...], earlier: CategoricalProfile) -> CategoricalProfile:
    found = {label: int(count) for label, count in zip((*labels, OTHER), counts.counts.tolist(), strict=True) if count}
    ordered = tuple(sorted(found))
    values = np.array([found[label] for label in ordered], dtype=np.int64)
    values.setflags(write=False)
    n_total = int(values.sum()) + counts.missing
    return CategoricalProfile(
        earlier.name,
        earlier.kind,
        earlier.test,
        earlier.threshold,
        earlier.weight,
        ordered,
        values,
        n_total,
        counts.missing,
    )


def _labels(bins: FeatureBins) -> tuple[str, ...]:
    return bins.labels if isinstance(bins, CategoricalBins) else ()


def _check_size(counts: FeatureCounts, rows: int, min_samples: int) -> None:
    if counts.n_values < min_samples:
        raise InsufficientDataError(
            f"feature {counts.name!r} has {counts.n_values} usable reference values (of {rows} rows), "
            f"at least {min_samples} needed",
            details={
                "feature": counts.name,
                "n_reference": counts.n_values,
                "n_total": rows,
                "min_samples": min_samples,
            },
        )


def profile_from_counts(summary: WindowSummary, earlier: ReferenceProfile) -> ReferenceProfile:
    """The counted profile of the rows ``summary`` counts, in the earlier version's feature order.

    Args:
        summary: The window's counts, on the earlier version's bins.
        earlier: The earlier version's profile, of the same features and kinds as the bins.

    Raises:
        InsufficientDataError: A feature with fewer usable values than the earlier profile's ``min_samples``.
    """
    features: list[FeatureProfile] = []
    for item in earlier.features:
        counts = summary.feature(item.name)
        _check_size(counts, summary.rows, earlier.min_samples)
        bins = summary.layout.features[summary.layout.index(item.name)]
        if isinstance(item, NumericalProfile) and isinstance(counts, NumericCounts) and isinstance(bins, NumericBins):
            features.append(_numerical(counts, bins, item, summary.rows))
        elif isinstance(item, CategoricalProfile) and isinstance(counts, CategoricalCounts):
            features.append(_categorical(counts, _labels(bins), item))
        else:
            msg = f"feature {item.name!r} is counted differently than the earlier version profiled it"
            raise ValueError(msg)
    return ReferenceProfile(tuple(features), earlier.min_samples)
