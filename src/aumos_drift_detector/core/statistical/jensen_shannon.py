"""Jensen-Shannon distance (base 2, so in [0, 1]) between numeric bins or category shares."""

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

TEST_NAME = "jensen_shannon"
DEFAULT_THRESHOLD = 0.1


def js_distance(p: FloatArray, q: FloatArray) -> float:
    """``sqrt(JSD)`` with base-2 logarithms; ``0 log 0 = 0``, so empty bins need no smoothing.

    Example:
        >>> js_distance(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
        1.0
    """
    middle = (p + q) / 2.0

    def kl_to_middle(r: FloatArray) -> float:
        mask = r > 0
        return float(np.sum(r[mask] * np.log2(r[mask] / middle[mask])))

    return math.sqrt(max((kl_to_middle(p) + kl_to_middle(q)) / 2.0, 0.0))


def jensen_shannon(
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

    Method: ``JS = sqrt((KL(p || M) + KL(q || M)) / 2)`` with ``M = (p + q) / 2`` and base-2 logarithms
    (as ``scipy.spatial.distance.jensenshannon(p, q, base=2)``), so ``0 <= JS <= 1`` and ``1`` means
    disjoint supports. Numeric values use the reference-quantile (or value) bins of :mod:`.histogram`;
    labels use their categories. A distance, no p-value; drift when ``statistic >= threshold``.

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
        >>> jensen_shannon(["a", "a", "b", "b", "b"], ["c", "c", "c", "c", "c"]).statistic
        1.0
    """
    return run_on_samples(
        js_distance,
        TEST_NAME,
        reference,
        current,
        threshold=threshold,
        bins=bins,
        kind=kind,
        min_samples=min_samples,
        feature=feature,
    )


def jensen_shannon_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    edges: FloatArray | None = None,
) -> StatTestResult:
    """Kernel of :func:`jensen_shannon` on clean sorted numeric samples.

    Example:
        >>> jensen_shannon_sorted(np.arange(100.0), np.arange(100.0)).statistic
        0.0
    """
    return run_on_sorted(
        js_distance, TEST_NAME, reference_sorted, current_sorted, threshold=threshold, bins=bins, edges=edges
    )


def jensen_shannon_counts(
    reference_counts: Any,
    current_counts: Any,
    categories: list[Category] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> StatTestResult:
    """Kernel of :func:`jensen_shannon` on aligned category counts.

    Example:
        >>> jensen_shannon_counts([5, 5], [5, 5], ["a", "b"]).statistic
        0.0
    """
    return run_on_counts(js_distance, TEST_NAME, reference_counts, current_counts, categories, threshold=threshold)


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=jensen_shannon,
    sorted_kernel=jensen_shannon_sorted,
    counts_kernel=jensen_shannon_counts,
    default_threshold=DEFAULT_THRESHOLD,
    kind="distance",
    feature_kinds=frozenset({"numerical", "categorical", "binary"}),
    binned=True,
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
