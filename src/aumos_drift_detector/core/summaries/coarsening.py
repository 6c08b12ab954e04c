"""Grouping a numeric feature's fine bins into a few bins of equal reference share, for the binned tests.

A summary keeps thousands of bins so KS and Wasserstein are tight, but PSI, Jensen-Shannon, Hellinger,
L-infinity and chi-squared are read against thresholds and null distributions set for a few bins:
PSI's conventional 0.1 and 0.25 bands assume ten, and chi-squared needs five expected values per cell.
So, before those tests, consecutive fine bins are grouped into ``bins`` groups, each closing at the
first fine edge where the reference's cumulative share reaches ``j / bins``. Since the fine edges are
reference quantiles, the groups are the raw path's quantile bins up to one fine bin (``1/B`` of the
reference) at each boundary; ``bins=None`` keeps every fine bin.
"""

from __future__ import annotations

import numpy as np

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries.feature_counts import CountArray


def group_starts(reference_counts: CountArray, bins: int) -> CountArray:
    """First fine bin of each group of about ``1/bins`` of the reference.

    Example:
        >>> group_starts(np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), 5).tolist()
        [0, 2, 4, 6, 8]
        >>> group_starts(np.array([0, 5, 0, 5, 0]), 4).tolist()  # a heavy fine bin is never split
        [0, 2, 4]
    """
    if bins < 1:
        raise ValidationError("bins must be at least 1", details={"bins": bins})
    total = int(reference_counts.sum())
    cumulative = np.cumsum(reference_counts)
    targets = np.arange(1, bins, dtype=np.float64) * total / bins
    ends = np.searchsorted(cumulative, targets, side="left") + 1
    starts = np.unique(np.concatenate(([0], ends)))
    return np.asarray(starts[starts < reference_counts.size], dtype=np.int64)


def coarsen(reference_counts: CountArray, current_counts: CountArray, bins: int) -> tuple[CountArray, CountArray]:
    """Both samples' counts on about ``bins`` groups of equal reference share (see the module docstring).

    Example:
        >>> reference, current = coarsen(np.array([2, 2, 2, 2]), np.array([0, 1, 5, 2]), 2)
        >>> reference.tolist(), current.tolist()
        ([4, 4], [1, 7])
    """
    starts = group_starts(reference_counts, bins)
    return (
        np.add.reduceat(reference_counts, starts).astype(np.int64),
        np.add.reduceat(current_counts, starts).astype(np.int64),
    )
