"""Energy distance between the samples, normalised by the reference standard deviation."""

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

TEST_NAME = "energy_distance"
DEFAULT_THRESHOLD = 0.1


def energy_distance(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Energy distance of the samples after scaling by the reference standard deviation.

    Method: ``E = sqrt(2 * integral (F_reference - F_current)^2 dx)`` (Székely; equal to
    ``scipy.stats.energy_distance``) computed on the values divided by the reference standard deviation
    (``ddof=0``), i.e. ``E(x / s, y / s) = E(x, y) / sqrt(s)``, so the statistic does not depend on the
    feature's unit. A distance, no p-value; drift when ``statistic >= threshold``.

    Edge cases: missing values dropped; infinities excluded and counted in ``details``; a constant
    reference gives ``0`` when current has the same value and ``inf`` otherwise.

    Args:
        reference: Reference values.
        current: Current values.
        threshold: Normalised distance at or above which drift is declared.
        min_samples: Fewest usable values per sample.
        feature: Feature name for error messages.

    Returns:
        The result; ``details["raw_distance"]`` holds the unnormalised distance.

    Example:
        >>> energy_distance([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]).statistic
        0.0
    """
    reference_sorted = sorted_numeric(reference, feature=feature)
    current_sorted = sorted_numeric(current, feature=feature)
    require_min_samples(
        reference_sorted.size, current_sorted.size, min_samples=min_samples, feature=feature, test=TEST_NAME
    )
    return energy_distance_sorted(reference_sorted, current_sorted, threshold=threshold)


def energy_distance_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    reference_std: float | None = None,
    merged: MergeResult | None = None,
) -> StatTestResult:
    """Kernel of :func:`energy_distance` on clean samples sorted ascending.

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
        >>> round(energy_distance_sorted(np.array([0.0, 2.0]), np.array([4.0, 6.0])).statistic, 6)  # sqrt(6)
        2.44949
    """
    reference, current, dropped = finite_pair(reference_sorted, current_sorted, test=TEST_NAME)
    raw = math.sqrt(2.0 * (merge_pass(reference, current) if merged is None else merged).l2)
    scale = float(np.std(reference)) if reference_std is None else reference_std
    statistic = raw / math.sqrt(scale) if scale > 0 else (0.0 if raw == 0 else math.inf)
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
    function=energy_distance,
    sorted_kernel=energy_distance_sorted,
    counts_kernel=None,
    default_threshold=DEFAULT_THRESHOLD,
    kind="distance",
    feature_kinds=frozenset({"numerical"}),
    scaled=True,
    merges=True,
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
