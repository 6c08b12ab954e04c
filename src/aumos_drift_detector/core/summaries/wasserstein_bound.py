"""The Wasserstein-1 distance from bin counts and moments, with its guaranteed bound.

``W1 = integral |F_reference(x) - F_current(x)| dx``. The counts give both CDFs at the edges (see
:mod:`.ks_bound`), and the moments give the smallest and largest finite value of each sample, which
close the two outer bins. Inside a bin each CDF lies between its values at the bin's ends, so the
gap there lies between ``max(0, R_j - C_(j+1), C_j - R_(j+1))`` and
``max(R_(j+1) - C_j, C_(j+1) - R_j)``; integrated over the bin widths these give a lower and an upper
bound on ``W1``. The estimate takes each CDF linear inside a bin (values spread evenly), which lies
inside the bound. Like the raw path, the statistic is the distance divided by the population
standard deviation of the reference, here from its moments.

Infinite values have no place in this integral; the raw path drops them, and the summary path needs
finite data (it refuses counts that include infinities).
"""

from __future__ import annotations

import math

import numpy as np

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.wasserstein import DEFAULT_THRESHOLD, TEST_NAME
from aumos_drift_detector.core.summaries.feature_counts import NumericCounts
from aumos_drift_detector.core.summaries.moments import FloatArray


def _abs_linear_integral(start: FloatArray, end: FloatArray) -> FloatArray:
    """``integral_0^1 |start + (end - start) t| dt`` element-wise."""
    crossing = start * end < 0
    total = np.abs(start) + np.abs(end)
    safe = np.where(total > 0, total, 1.0)
    return np.where(crossing, (start * start + end * end) / (2.0 * safe), total / 2.0)


def wasserstein_interval(
    reference: NumericCounts, current: NumericCounts, edges: FloatArray
) -> tuple[float, float, float]:
    """``(lower, estimate, upper)`` of the raw (unscaled) Wasserstein-1 distance.

    Raises:
        ValidationError: Counts that include infinite values.
        InsufficientDataError: A sample without finite values.

    Example:
        >>> from aumos_drift_detector.core.summaries.moments import Moments
        >>> ref = NumericCounts("x", [0, 2, 0], Moments.of(np.array([0.0, 0.0])))
        >>> cur = NumericCounts("x", [0, 0, 2], Moments.of(np.array([1.0, 1.0])))
        >>> wasserstein_interval(ref, cur, np.array([0.0, 1.0]))  # the true 1.0 lies in [0, 1]
        (0.0, 0.5, 1.0)
    """
    for counts in (reference, current):
        if counts.n_values != counts.moments.count:
            raise ValidationError(
                f"the Wasserstein distance of feature {counts.name!r} needs finite values only",
                details={"feature": counts.name, "infinite": counts.n_values - counts.moments.count},
            )
        if counts.moments.count == 0:
            raise InsufficientDataError(
                f"feature {counts.name!r} has no finite value", details={"feature": counts.name}
            )
    low = min(reference.moments.minimum, current.moments.minimum)
    high = max(reference.moments.maximum, current.moments.maximum)
    points = np.clip(np.concatenate(([low], edges, [high])), low, high)
    widths = np.diff(points)
    r = np.concatenate(([0.0], np.cumsum(reference.counts, dtype=np.float64) / reference.n_values))
    c = np.concatenate(([0.0], np.cumsum(current.counts, dtype=np.float64) / current.n_values))
    upper_gap = np.maximum(r[1:] - c[:-1], c[1:] - r[:-1])
    lower_gap = np.maximum.reduce([np.zeros_like(widths), r[:-1] - c[1:], c[:-1] - r[1:]])
    estimate_gap = _abs_linear_integral(r[:-1] - c[:-1], r[1:] - c[1:])
    return float(widths @ lower_gap), float(widths @ estimate_gap), float(widths @ upper_gap)


def wasserstein_from_counts(
    reference: NumericCounts, current: NumericCounts, edges: FloatArray, *, threshold: float = DEFAULT_THRESHOLD
) -> StatTestResult:
    """The normalised Wasserstein distance from counts: estimate, bound, and the decision on the estimate.

    Args:
        reference: Reference counts and moments.
        current: Current counts and moments, on the same bins.
        edges: The interior edges of the bins.
        threshold: Normalised distance at or above which drift is declared.

    Returns:
        The result; ``details`` holds ``raw_distance``, ``statistic_lower`` and ``statistic_upper``.
    """
    lower, estimate, upper = wasserstein_interval(reference, current, edges)
    scale = reference.moments.std

    def scaled(value: float) -> float:
        return value / scale if scale > 0 else (0.0 if value == 0 else math.inf)

    statistic = scaled(estimate)
    return StatTestResult(
        test=TEST_NAME,
        statistic=statistic,
        p_value=None,
        threshold=threshold,
        drift_detected=bool(statistic >= threshold),
        n_reference=reference.moments.count,
        n_current=current.moments.count,
        details={
            "binning": "summary",
            "raw_distance": estimate,
            "reference_std": scale,
            "statistic_lower": scaled(lower),
            "statistic_upper": scaled(upper),
        },
    )
