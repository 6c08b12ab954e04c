"""Two-sample Cramér-von Mises test for numeric features."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special

from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import (
    DEFAULT_MIN_SAMPLES,
    FloatArray,
    require_min_samples,
    sorted_numeric,
)
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestSpec

TEST_NAME = "cramer_von_mises"
DEFAULT_THRESHOLD = 0.05


def cramer_von_mises(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Two-sided two-sample Cramér-von Mises test (Anderson 1962).

    Method: with midranks ``r_i`` of the reference and ``s_j`` of the current values in the pooled sample,
    ``U = n sum (r_i - i)^2 + m sum (s_j - j)^2`` and ``T = U / (n m N) - (4 n m - 1) / (6 N)``, as
    ``scipy.stats.cramervonmises_2samp``. The p-value standardises ``T`` by its exact mean and variance
    (Anderson 1962, eqs. 11 and 14) and reads it off the limiting one-sample distribution, whose CDF is
    the Bessel-function series of Csörgő and Faraway (1996, eq. 1.2) summed until its terms vanish. This is scipy's
    ``method="asymptotic"``; scipy's exact enumeration for samples of at most 20 values is not reproduced
    (the asymptotic p-value is used at every size). Drift when ``p_value < threshold``.

    Edge cases: missing values dropped; infinities are ranked as the most extreme values; identical samples
    give the smallest possible ``T`` and ``p = 1``.

    Args:
        reference: Reference values.
        current: Current values.
        threshold: Significance level.
        min_samples: Fewest usable values per sample (at least 2 is needed for the variance).
        feature: Feature name for error messages.

    Returns:
        The result.

    Example:
        >>> rng = np.random.default_rng(11)
        >>> cramer_von_mises(rng.normal(0, 1, 300), rng.normal(0.6, 1, 300)).drift_detected
        True
    """
    reference_sorted = sorted_numeric(reference, feature=feature)
    current_sorted = sorted_numeric(current, feature=feature)
    require_min_samples(
        reference_sorted.size, current_sorted.size, min_samples=max(min_samples, 2), feature=feature, test=TEST_NAME
    )
    return cramer_von_mises_sorted(reference_sorted, current_sorted, threshold=threshold)


def _midranks(values: FloatArray, own: FloatArray, other: FloatArray) -> FloatArray:
    below = np.searchsorted(own, values, side="left") + np.searchsorted(other, values, side="left")
    upto = np.searchsorted(own, values, side="right") + np.searchsorted(other, values, side="right")
    return (below + upto + 1) / 2.0


def cramer_von_mises_sorted(
    reference_sorted: FloatArray, current_sorted: FloatArray, *, threshold: float = DEFAULT_THRESHOLD
) -> StatTestResult:
    """Kernel of :func:`cramer_von_mises` on clean samples sorted ascending (at least 2 values each).

    Example:
        >>> result = cramer_von_mises_sorted(np.arange(10.0), np.arange(10.0))
        >>> result.p_value
        1.0
    """
    n, m = int(reference_sorted.size), int(current_sorted.size)
    total, product = n + m, n * m
    reference_ranks = _midranks(reference_sorted, reference_sorted, current_sorted)
    current_ranks = _midranks(current_sorted, current_sorted, reference_sorted)
    u = n * float(np.sum((reference_ranks - np.arange(1, n + 1)) ** 2)) + m * float(
        np.sum((current_ranks - np.arange(1, m + 1)) ** 2)
    )
    statistic = u / (product * total) - (4 * product - 1) / (6 * total)
    mean = (1 + 1 / total) / 6
    variance = (total + 1) * (4 * product * total - 3 * (n**2 + m**2) - 2 * product) / (45 * total**2 * 4 * product)
    normalised = 1 / 6 + (statistic - mean) / math.sqrt(45 * variance)
    p_value = 1.0 if normalised < 0.003 else max(1.0 - limiting_cdf(normalised), 0.0)
    return StatTestResult(
        test=TEST_NAME,
        statistic=statistic,
        p_value=p_value,
        threshold=threshold,
        drift_detected=bool(p_value < threshold),
        n_reference=n,
        n_current=m,
        details={"method": "asymptotic", "normalised_statistic": normalised},
    )


def limiting_cdf(x: float) -> float:
    """CDF of the limiting Cramér-von Mises distribution (Csörgő and Faraway 1996, eq. 1.2).

    Example:
        >>> round(limiting_cdf(0.46136), 4)  # the 95% point tabulated by Anderson and Darling (1952)
        0.95
    """
    # terms decay like exp(-(4k + 1)^2 / (16 x)); sum until that factor is below exp(-40)
    k = np.arange(max(12, math.ceil((math.sqrt(640.0 * x) - 1.0) / 4.0) + 1), dtype=np.float64)
    y = 4.0 * k + 1.0
    q = y * y / (16.0 * x)
    weights = np.exp(special.gammaln(k + 0.5) - special.gammaln(k + 1.0)) / (math.pi**1.5 * math.sqrt(x))
    terms = weights * np.sqrt(y) * np.exp(-q) * special.kv(0.25, q)
    return float(np.sum(terms))


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=cramer_von_mises,
    sorted_kernel=cramer_von_mises_sorted,
    counts_kernel=None,
    default_threshold=DEFAULT_THRESHOLD,
    kind="p_value",
    feature_kinds=frozenset({"numerical"}),
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
