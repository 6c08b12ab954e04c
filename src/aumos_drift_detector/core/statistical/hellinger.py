"""Hellinger distance between numeric bins or category shares."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from aumos_drift_detector.core.statistical.binned_distance import (
    InputKind,
    run_on_counts,
    run_on_samples,
    run_on_sorted,
)
from aumos_drift_detector.core.statistical.histogram import DEFAULT_BINS
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import DEFAULT_MIN_SAMPLES, Category, FloatArray
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestSpec

TEST_NAME = "hellinger"
DEFAULT_THRESHOLD = 0.1


def hellinger_distance(p: FloatArray, q: FloatArray) -> float:
    """``sqrt(1 - sum sqrt(p_i q_i))``, equal to ``||sqrt(p) - sqrt(q)||_2 / sqrt(2)``, in [0, 1].

    Example:
        >>> hellinger_distance(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
        1.0
    """
    return math.sqrt(max(1.0 - float(np.sum(np.sqrt(p * q))), 0.0))


def hellinger(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    kind: InputKind = "auto",
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Jensen-Shannon distance between the binned (numeric) or categorical distributions.

    Method: ``H = sqrt(1 - sum_i sqrt(p_i q_i))`` over the bin or category shares ``p`` (reference) and
    ``q`` (current): ``0`` for identical distributions, ``1`` for disjoint supports. Numeric values use the
    reference-quantile (or value) bins of :mod:`.histogram`; labels use their categories. A distance, no
    p-value; drift when ``statistic >= threshold``.

    Edge cases: missing values dropped; infinities land in the open outer bins; empty bins need no
    smoothing; identical samples give ``0``.

    Args:
        reference: Reference values or labels.
        current: Current values or labels.
        threshold: Distance at or above which drift is declared.
        bins: Number of quantile bins for numeric data.
        kind: ``"numerical"``, ``"categorical"`` or ``"auto"``.
        min_samples: Fewest usable values per sample.
        feature: Feature name for error messages.

    Returns:
        The result; ``details`` hold the bins or categories and their counts.

    Example:
        >>> hellinger(["a", "a", "b", "b", "b"], ["c", "c", "c", "c", "c"]).statistic
        1.0
        >>> hellinger([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).statistic
        0.0
    """
    return run_on_samples(
        hellinger_distance,
        TEST_NAME,
        reference,
        current,
        threshold=threshold,
        bins=bins,
        kind=kind,
        min_samples=min_samples,
        feature=feature,
    )


def hellinger_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    edges: FloatArray | None = None,
) -> StatTestResult:
    """Kernel of :func:`hellinger` on clean sorted numeric samples.

    Example:
        >>> hellinger_sorted(np.arange(100.0), np.arange(100.0)).statistic
        0.0
    """
    return run_on_sorted(
        hellinger_distance, TEST_NAME, reference_sorted, current_sorted, threshold=threshold, bins=bins, edges=edges
    )


def hellinger_counts(
    reference_counts: Any,
    current_counts: Any,
    categories: list[Category] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> StatTestResult:
    """Kernel of :func:`hellinger` on aligned category counts.

    Example:
        >>> hellinger_counts([5, 5], [5, 5], ["a", "b"]).statistic
        0.0
    """
    return run_on_counts(
        hellinger_distance, TEST_NAME, reference_counts, current_counts, categories, threshold=threshold
    )


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=hellinger,
    sorted_kernel=hellinger_sorted,
    counts_kernel=hellinger_counts,
    default_threshold=DEFAULT_THRESHOLD,
    kind="distance",
    feature_kinds=frozenset({"numerical", "categorical", "binary"}),
    binned=True,
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
