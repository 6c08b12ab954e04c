"""What a report draws of one feature: the reference and current distributions on shared bins.

A check keeps, besides its test result, a small picture of both samples that any report can draw
without the data: at most :data:`MAX_HISTOGRAM_BINS` bins and :data:`MAX_CATEGORIES` categories,
whatever the window's size.

* Numerical: ``bins`` bins of equal width over the central 99% of both samples together (from the
  smaller 0.5% quantile to the larger 99.5% quantile), the outer two stretched to the smallest and
  largest values, so a current sample that moved away from the reference shows where it went and
  a stray outlier does not squash the picture. Equal widths read better than the reference-quantile
  bins of the binned tests, whose widths follow the noise of the reference's quantiles. Bins are
  ``[e_k, e_(k+1))``, the last one closed; infinite values are left out (the tests count them).
* Categorical and binary: the count of every category in each sample, the categories with the
  largest share in either sample first; past :data:`MAX_CATEGORIES` the rest are summed into one
  ``other`` entry whose size ``other_categories`` gives. A category with a reference count of 0 is
  new; one with a current count of 0 went missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aumos_drift_detector.core.statistical.samples import CountArray, FloatArray, finite_span

#: Bins of a numerical feature's picture.
DEFAULT_HISTOGRAM_BINS = 24
#: The most bins a picture holds.
MAX_HISTOGRAM_BINS = 50
#: The most categories a picture names; the rest are summed into ``other``.
MAX_CATEGORIES = 30


@dataclass(frozen=True, slots=True)
class Distribution:
    """Reference and current counts on shared bins or categories.

    Attributes:
        kind: ``"histogram"`` (``edges`` set) or ``"categories"`` (``labels`` set).
        reference_counts: Reference count per bin or category.
        current_counts: Current count per bin or category.
        edges: Histogram: the ``len(counts) + 1`` bin edges, ascending.
        labels: Categories: one label per count.
        other_categories: Categories: how many categories the last entry (``other``) sums; 0 when none.
    """

    kind: str
    reference_counts: tuple[int, ...]
    current_counts: tuple[int, ...]
    edges: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()
    other_categories: int = 0


def _counts(values: FloatArray, edges: FloatArray) -> list[int]:
    """Counts of sorted finite ``values`` in ``[e_k, e_(k+1))``, the last bin closed."""
    starts = np.searchsorted(values, edges[:-1], side="left")
    end = np.searchsorted(values, edges[-1:], side="right")
    return [int(count) for count in np.diff(np.concatenate([starts, end]))]


def _span(values: FloatArray) -> tuple[float, float]:
    """The central 99% of a sorted sample (its 0.5% and 99.5% quantiles)."""
    low, high = np.quantile(values, [0.005, 0.995])
    return float(low), float(high)


def numerical_distribution(
    reference_sorted: FloatArray, current_sorted: FloatArray, *, bins: int = DEFAULT_HISTOGRAM_BINS
) -> Distribution:
    """The picture of a numerical feature from both samples, sorted ascending.

    >>> reference = np.arange(0, 100, dtype=float)
    >>> found = numerical_distribution(reference, reference + 100, bins=4)
    >>> [round(edge, 1) for edge in found.edges]
    [0.0, 50.0, 99.5, 149.0, 199.0]
    >>> found.reference_counts, found.current_counts
    ((50, 50, 0, 0), (0, 0, 50, 50))
    """
    bins = max(1, min(bins, MAX_HISTOGRAM_BINS))
    samples = [values for values in (finite_span(reference_sorted)[0], finite_span(current_sorted)[0]) if values.size]
    if not samples:
        return Distribution("histogram", (), (), edges=())
    spans = [_span(values) for values in samples]
    low, high = min(span[0] for span in spans), max(span[1] for span in spans)
    if high <= low:  # a constant: one bin around it
        low, high, bins = low - 0.5, high + 0.5, 1
    edges = np.linspace(low, high, bins + 1)
    # The outer bins reach the smallest and largest values, so the tails beyond the central 99% still count.
    edges[0] = min(edges[0], *(float(values[0]) for values in samples))
    edges[-1] = max(edges[-1], *(float(values[-1]) for values in samples))
    reference, _ = finite_span(reference_sorted)
    current, _ = finite_span(current_sorted)
    return Distribution(
        "histogram",
        tuple(_counts(reference, edges)),
        tuple(_counts(current, edges)),
        edges=tuple(float(edge) for edge in edges),
    )


def categorical_distribution(
    labels: Sequence[object],
    reference_counts: CountArray,
    current_counts: CountArray,
    *,
    max_categories: int = MAX_CATEGORIES,
) -> Distribution:
    """The picture of a categorical feature from the aligned counts of both samples.

    >>> found = categorical_distribution(["a", "b", "c"], np.array([5, 5, 0]), np.array([9, 0, 1]), max_categories=2)
    >>> found.labels, found.reference_counts, found.current_counts, found.other_categories
    (('a', 'other'), (5, 5), (9, 1), 2)
    """
    reference_total = max(int(reference_counts.sum()), 1)
    current_total = max(int(current_counts.sum()), 1)
    share = np.maximum(reference_counts / reference_total, current_counts / current_total)
    order = sorted(range(len(labels)), key=lambda index: (-float(share[index]), str(labels[index])))
    kept, folded = order, []
    if len(order) > max_categories:
        kept, folded = order[: max_categories - 1], order[max_categories - 1 :]
    names = [str(labels[index]) for index in kept]
    reference = [int(reference_counts[index]) for index in kept]
    current = [int(current_counts[index]) for index in kept]
    if folded:
        names.append("other")
        reference.append(int(sum(int(reference_counts[index]) for index in folded)))
        current.append(int(sum(int(current_counts[index]) for index in folded)))
    return Distribution(
        "categories", tuple(reference), tuple(current), labels=tuple(names), other_categories=len(folded)
    )
