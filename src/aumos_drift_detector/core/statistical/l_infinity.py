"""L-infinity distance between category shares: the largest absolute change of one share."""

from __future__ import annotations

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

TEST_NAME = "l_infinity"
DEFAULT_THRESHOLD = 0.1


def l_infinity_distance(p: FloatArray, q: FloatArray) -> float:
    """``max_i |p_i - q_i|``, the largest change of one share, in [0, 1].

    Example:
        >>> l_infinity_distance(np.array([0.5, 0.5]), np.array([0.25, 0.75]))
        0.25
    """
    return float(np.max(np.abs(p - q))) if p.size else 0.0


def l_infinity(
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

    Method: ``L_inf = max_i |p_i - q_i|`` over the category shares ``p`` (reference) and ``q`` (current)
    on the union of categories -- the largest change of a single category's share, readable as "the share
    of category X moved by 30 points". Numeric values (when asked) use the bins of :mod:`.histogram`. A
    distance, no p-value; drift when ``statistic >= threshold``.

    Edge cases: missing labels dropped; a category new in current counts with share 0 in the reference;
    identical samples give ``0``.

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
        >>> round(l_infinity(["a"] * 5 + ["b"] * 5, ["a"] * 2 + ["b"] * 8).statistic, 6)
        0.3
    """
    return run_on_samples(
        l_infinity_distance,
        TEST_NAME,
        reference,
        current,
        threshold=threshold,
        bins=bins,
        kind=kind,
        min_samples=min_samples,
        feature=feature,
    )


def l_infinity_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    edges: FloatArray | None = None,
) -> StatTestResult:
    """Kernel of :func:`l_infinity` on clean sorted numeric samples.

    Example:
        >>> l_infinity_sorted(np.arange(100.0), np.arange(100.0)).statistic
        0.0
    """
    return run_on_sorted(
        l_infinity_distance, TEST_NAME, reference_sorted, current_sorted, threshold=threshold, bins=bins, edges=edges
    )


def l_infinity_counts(
    reference_counts: Any,
    current_counts: Any,
    categories: list[Category] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> StatTestResult:
    """Kernel of :func:`l_infinity` on aligned category counts.

    Example:
        >>> l_infinity_counts([5, 5], [5, 5], ["a", "b"]).statistic
        0.0
    """
    return run_on_counts(
        l_infinity_distance, TEST_NAME, reference_counts, current_counts, categories, threshold=threshold
    )


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=l_infinity,
    sorted_kernel=l_infinity_sorted,
    counts_kernel=l_infinity_counts,
    default_threshold=DEFAULT_THRESHOLD,
    kind="distance",
    feature_kinds=frozenset({"categorical", "binary"}),
    binned=True,
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
