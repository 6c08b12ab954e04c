"""What a report draws of one feature checked from counts: both summaries on a few shared bins.

A numerical feature's thousands of reference-quantile bins are grouped into
:data:`~aumos_drift_detector.core.statistical.distribution.DEFAULT_HISTOGRAM_BINS` groups of equal
reference share (:func:`~aumos_drift_detector.core.summaries.coarsening.group_starts`); the outer edges are
the smallest and largest finite values of both samples (from the moments). Unlike the raw path's
equal-width picture, the bars are narrow where the reference is dense; the chart draws densities, so
the areas read the same. A categorical feature shows its kept labels, and the layout's
:data:`~aumos_drift_detector.core.summaries.layout.OTHER` bucket, named :data:`OTHER_SHOWN`, when it counted anything.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from aumos_drift_detector.core.statistical.distribution import (
    DEFAULT_HISTOGRAM_BINS,
    Distribution,
    categorical_distribution,
)
from aumos_drift_detector.core.summaries.coarsening import group_starts
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts, NumericCounts
from aumos_drift_detector.core.summaries.layout import CategoricalBins, FeatureBins, NumericBins

#: How the picture names the layout's ``other`` bucket: every label outside the reference's kept labels.
OTHER_SHOWN: Final[str] = "(other labels)"


def _histogram(bins: NumericBins, reference: NumericCounts, current: NumericCounts) -> Distribution | None:
    seen = [moments for moments in (reference.moments, current.moments) if moments.count]
    if not seen or reference.counts.sum() == 0:
        return None
    starts = group_starts(reference.counts, DEFAULT_HISTOGRAM_BINS)
    low, high = min(item.minimum for item in seen), max(item.maximum for item in seen)
    inner = [float(bins.edges[start - 1]) for start in starts[1:]]
    edges = [min(low, inner[0]) if inner else low, *inner]
    edges.append(max(high, edges[-1]))
    return Distribution(
        "histogram",
        tuple(int(count) for count in np.add.reduceat(reference.counts, starts)),
        tuple(int(count) for count in np.add.reduceat(current.counts, starts)),
        edges=tuple(edges),
    )


def summary_distribution(bins: FeatureBins, reference: FeatureCounts, current: FeatureCounts) -> Distribution | None:
    """The picture of one feature from its two summaries (``None`` when there is nothing finite to draw).

    Example:
        >>> from aumos_drift_detector.core.summaries.counting import count_columns
        >>> from aumos_drift_detector.core.summaries.layout import SummaryLayout
        >>> layout = SummaryLayout((NumericBins("x", np.array([1.0, 2.0, 3.0])),))
        >>> ref = count_columns(layout, {"x": [0.5, 1.5, 2.5, 3.5]}).features[0]
        >>> cur = count_columns(layout, {"x": [3.2, 3.9]}).features[0]
        >>> picture = summary_distribution(layout.features[0], ref, cur)
        >>> picture.edges[0], picture.edges[-1], sum(picture.reference_counts), sum(picture.current_counts)
        (0.5, 3.9, 4, 2)
    """
    if isinstance(bins, NumericBins) and isinstance(reference, NumericCounts) and isinstance(current, NumericCounts):
        return _histogram(bins, reference, current)
    if isinstance(bins, CategoricalBins):
        kept = len(bins.labels) + (1 if reference.counts[-1] or current.counts[-1] else 0)  # OTHER when counted
        labels = [*bins.labels, OTHER_SHOWN][:kept]
        return categorical_distribution(labels, reference.counts[:kept], current.counts[:kept])
    return None
