"""Reference-based binning of numeric samples, shared by PSI, Jensen-Shannon and Hellinger.

Two modes, chosen from the reference alone:

* **Quantile bins** (the default): interior edges at the reference quantiles ``1/B, ..., (B-1)/B``
  (linear interpolation between order statistics, as ``numpy.quantile``), tied edges de-duplicated, and
  outer edges open to ``-inf`` / ``+inf`` so current values outside the reference range still count.
  Bins are half-open ``[e_(k-1), e_k)``; an infinite value lands in the outermost bin (or, when an edge
  itself is infinite, in a bin of its own).
* **Value bins** (low-cardinality columns, at most ``B`` distinct reference values): one bin per distinct
  reference value plus, when the current sample holds values the reference never took, one ``"other"``
  bin for them -- so a constant column that changes value is still seen as drift.

Counting uses ``np.searchsorted`` on the sorted samples, never a re-sort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aumos_drift_detector.core.statistical.samples import CountArray, FloatArray

DEFAULT_BINS = 10


@dataclass(frozen=True, slots=True)
class BinnedCounts:
    """Aligned bin counts of the two samples.

    Attributes:
        mode: ``"quantile"`` or ``"value"``.
        reference: Reference count per bin.
        current: Current count per bin.
        edges: Interior edges (quantile mode) or the distinct reference values (value mode).
        has_other: In value mode, whether the last bin collects unseen current values.
    """

    mode: str
    reference: CountArray
    current: CountArray
    edges: FloatArray
    has_other: bool = False

    def describe(self) -> dict[str, object]:
        """JSON-friendly description for ``StatTestResult.details``."""
        edges = [float(e) if np.isfinite(e) else str(e) for e in self.edges]
        return {
            "binning": self.mode,
            "edges" if self.mode == "quantile" else "values": edges,
            "has_other_bin": self.has_other,
            "reference_counts": self.reference.tolist(),
            "current_counts": self.current.tolist(),
        }


def quantile_edges(reference_sorted: FloatArray, bins: int = DEFAULT_BINS) -> FloatArray:
    """Interior bin edges at the reference quantiles, de-duplicated (NaN edges from ``-inf..inf`` dropped).

    Args:
        reference_sorted: Reference values sorted ascending, at least one value.
        bins: Requested number of bins, at least 1.

    Returns:
        Sorted unique interior edges (at most ``bins - 1``).

    Example:
        >>> quantile_edges(np.arange(11, dtype=float), bins=5).tolist()
        [2.0, 4.0, 6.0, 8.0]
        >>> quantile_edges(np.array([0.0, 0.0, 0.0, 0.0, 1.0]), bins=4).tolist()  # three tied edges merged
        [0.0]
    """
    if bins < 1:
        raise ValueError("bins must be at least 1")
    position = np.arange(1, bins, dtype=np.float64) / bins * (reference_sorted.size - 1)
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, reference_sorted.size - 1)
    fraction = position - below
    low, high = reference_sorted[below], reference_sorted[above]
    with np.errstate(invalid="ignore"):
        edges = np.where(fraction == 0.0, low, low * (1.0 - fraction) + high * fraction)
    edges = edges[~np.isnan(edges)]
    return np.unique(edges)


def distinct_values(reference_sorted: FloatArray, limit: int) -> FloatArray | None:
    """The distinct reference values when there are at most ``limit`` of them, else ``None``.

    Example:
        >>> distinct_values(np.array([1.0, 1.0, 2.0]), limit=10).tolist()
        [1.0, 2.0]
    """
    if reference_sorted.size == 0:
        return None
    starts = np.flatnonzero(reference_sorted[1:] != reference_sorted[:-1])
    if starts.size + 1 > limit:
        return None
    return np.concatenate((reference_sorted[:1], reference_sorted[starts + 1]))


def counts_by_edges(sorted_values: FloatArray, edges: FloatArray) -> CountArray:
    """Counts in the bins ``(-inf, e_1), [e_1, e_2), ..., [e_last, +inf]`` of a sorted sample."""
    positions = np.searchsorted(sorted_values, edges, side="left")
    return np.diff(np.concatenate(([0], positions, [sorted_values.size]))).astype(np.int64)


def counts_by_value(sorted_values: FloatArray, values: FloatArray) -> CountArray:
    """How many times each of ``values`` occurs in a sorted sample."""
    left = np.searchsorted(sorted_values, values, side="left")
    right = np.searchsorted(sorted_values, values, side="right")
    return (right - left).astype(np.int64)


def bin_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    bins: int = DEFAULT_BINS,
    edges: FloatArray | None = None,
) -> BinnedCounts:
    """Bin both sorted samples on reference-based bins (see the module docstring).

    Args:
        reference_sorted: Reference values sorted ascending.
        current_sorted: Current values sorted ascending.
        bins: Number of quantile bins; also the distinct-value limit for value bins.
        edges: Precomputed interior quantile edges; forces quantile mode when given.

    Returns:
        The aligned counts.

    Example:
        >>> binned = bin_sorted(np.array([1.0, 1.0, 2.0]), np.array([1.0, 3.0]))
        >>> binned.mode, binned.reference.tolist(), binned.current.tolist()
        ('value', [2, 1, 0], [1, 0, 1])
    """
    values = None if edges is not None else distinct_values(reference_sorted, bins)
    if values is None:
        interior = quantile_edges(reference_sorted, bins) if edges is None else np.asarray(edges, dtype=np.float64)
        return BinnedCounts(
            "quantile", counts_by_edges(reference_sorted, interior), counts_by_edges(current_sorted, interior), interior
        )
    reference_counts = counts_by_value(reference_sorted, values)
    current_counts = counts_by_value(current_sorted, values)
    unseen = int(current_sorted.size - current_counts.sum())
    if unseen:
        reference_counts = np.append(reference_counts, 0)
        current_counts = np.append(current_counts, unseen)
    return BinnedCounts("value", reference_counts, current_counts, values, has_other=bool(unseen))
