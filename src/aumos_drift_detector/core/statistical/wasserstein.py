"""Wasserstein-1 (earth mover's) distance normalised by the reference standard deviation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from aumos_drift_detector.core.statistical.cdf_gap import finite_pair
from aumos_drift_detector.core.statistical.merge_pass import MergeResult, merge_pass
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import (
    DEFAULT_MIN_SAMPLES,
    FloatArray,
    require_min_samples,
    sorted_numeric,
)
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestSpec

TEST_NAME = "wasserstein"
DEFAULT_THRESHOLD = 0.1


def wasserstein(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Wasserstein-1 distance between the samples, in units of the reference standard deviation.

    Method: ``W1 = integral |F_reference(x) - F_current(x)| dx`` over the pooled grid (equal to
    ``scipy.stats.wasserstein_distance``), divided by the population standard deviation (``ddof=0``) of
    the finite reference values, so a shift of the whole distribution by ``0.1`` sigma scores ``0.1``.
    A distance, no p-value; drift when ``statistic >= threshold``.

    Edge cases: missing values dropped; infinities are excluded (they would make the distance infinite)
    and counted in ``details``; a constant reference gives ``0`` when current has the same value and
    ``inf`` otherwise.

    Args:
        reference: Reference values.
        current: Current values.
        threshold: Normalised distance at or above which drift is declared.
        min_samples: Fewest usable values per sample.
        feature: Feature name for error messages.

    Returns:
        The result; ``details["raw_distance"]`` holds the unnormalised W1.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> reference = rng.normal(10, 2, 20_000)
        >>> round(wasserstein(reference, reference + 1.0).statistic, 2)  # half a sigma
        0.5
    """
    reference_sorted = sorted_numeric(reference, feature=feature)
    current_sorted = sorted_numeric(current, feature=feature)
    require_min_samples(
        reference_sorted.size, current_sorted.size, min_samples=min_samples, feature=feature, test=TEST_NAME
    )
    return wasserstein_sorted(reference_sorted, current_sorted, threshold=threshold)


def wasserstein_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    reference_std: float | None = None,
    merged: MergeResult | None = None,
) -> StatTestResult:
    """Kernel of :func:`wasserstein` on clean samples sorted ascending.

    The integral comes from one merge of the finite parts of the samples (:mod:`.merge_pass`).

    Args:
        reference_sorted: Reference values sorted ascending, no NaN.
        current_sorted: Current values sorted ascending, no NaN.
        threshold: Normalised distance at or above which drift is declared.
        reference_std: The population standard deviation of the finite reference values when
            already known (a profile stores it); computed otherwise.
        merged: The merge of the finite parts of these two samples, with its integrals, when
            already made (:mod:`.merge_pass`); made otherwise.

    Returns:
        The result.

    Example:
        >>> wasserstein_sorted(np.array([0.0, 2.0]), np.array([1.0, 3.0])).statistic
        1.0
    """
    reference, current, dropped = finite_pair(reference_sorted, current_sorted, test=TEST_NAME)
    raw = (merge_pass(reference, current) if merged is None else merged).l1
    scale = float(np.std(reference)) if reference_std is None else reference_std
    statistic = raw / scale if scale > 0 else (0.0 if raw == 0 else math.inf)
    return StatTestResult(
        test=TEST_NAME,
        statistic=statistic,
        p_value=None,
        threshold=threshold,
        drift_detected=bool(statistic >= threshold),
        n_reference=int(reference.size),
        n_current=int(current.size),
        details={"raw_distance": raw, "reference_std": scale, **dropped},
    )


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=wasserstein,
    sorted_kernel=wasserstein_sorted,
    counts_kernel=None,
    default_threshold=DEFAULT_THRESHOLD,
    kind="distance",
    feature_kinds=frozenset({"numerical"}),
    scaled=True,
    merges=True,
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
