"""Two-sample Kolmogorov-Smirnov test for numeric features."""

from __future__ import annotations

from typing import Any, Literal

from aumos_drift_detector.core.statistical.ks_distribution import (
    MAX_EXACT_N,
    asymptotic_p_value,
    exact_p_value,
    exact_statistic,
)
from aumos_drift_detector.core.statistical.merge_pass import MergeResult, merge_pass
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import (
    DEFAULT_MIN_SAMPLES,
    FloatArray,
    require_min_samples,
    sorted_numeric,
)
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestSpec

TEST_NAME = "ks"
DEFAULT_THRESHOLD = 0.05

Method = Literal["auto", "exact", "asymp"]


def ks_test(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    method: Method = "auto",
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Two-sided two-sample Kolmogorov-Smirnov test.

    Method: the statistic is ``D = sup_x |F_reference(x) - F_current(x)|`` over the empirical CDFs,
    found in one merge of the two sorted samples (:mod:`.merge_pass`). The p-value follows
    ``scipy.stats.ks_2samp(method="auto")``: exact when both samples hold at most 10,000 values
    (lattice-path recursion, ``D`` snapped to the ``1/lcm(n, m)`` lattice as scipy does), otherwise the
    one-sample Kolmogorov distribution at the effective size ``round(n m / (n + m))``, whose costly tail
    is evaluated by quadrature instead of an ``O(n)`` sum (see :mod:`.ks_distribution`). Drift is
    declared when ``p_value < threshold``.

    Edge cases: missing values are dropped; ``+/-inf`` are kept as the most extreme values; a constant
    column shared by both samples gives ``D = 0`` and ``p = 1``; fewer than ``min_samples`` values in
    either sample raises ``InsufficientDataError``.

    Args:
        reference: Reference values (list, numpy array, pandas Series).
        current: Current values.
        threshold: Significance level.
        method: ``"auto"``, ``"exact"`` or ``"asymp"`` (as in scipy).
        min_samples: Fewest usable values per sample.
        feature: Feature name for error messages.

    Returns:
        The result; ``details`` holds the ``method`` used and the ``location`` of the largest gap.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(7)
        >>> result = ks_test(rng.normal(0, 1, 500), rng.normal(0.5, 1, 500))
        >>> result.drift_detected, result.p_value < 1e-6
        (True, True)
        >>> ks_test([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).p_value
        1.0
    """
    reference_sorted = sorted_numeric(reference, feature=feature)
    current_sorted = sorted_numeric(current, feature=feature)
    require_min_samples(
        reference_sorted.size, current_sorted.size, min_samples=min_samples, feature=feature, test=TEST_NAME
    )
    return ks_test_sorted(reference_sorted, current_sorted, threshold=threshold, method=method)


def ks_statistic_sorted(reference_sorted: FloatArray, current_sorted: FloatArray) -> tuple[float, float]:
    """Largest absolute ECDF gap between two sorted samples and where it occurs.

    One merge of the two samples (:mod:`.merge_pass`), ``O(n + m)``.

    Args:
        reference_sorted: Reference values sorted ascending, no NaN.
        current_sorted: Current values sorted ascending, no NaN.

    Returns:
        ``(D, location)``: the statistic and the first value where it occurs.
    """
    return merge_pass(reference_sorted, current_sorted, integrals=False).ks


def ks_test_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    method: Method = "auto",
    merged: MergeResult | None = None,
) -> StatTestResult:
    """Kernel of :func:`ks_test` on clean samples already sorted ascending (no copies, no re-sorting).

    Args:
        reference_sorted: Reference values sorted ascending, no NaN, at least one value.
        current_sorted: Current values sorted ascending, no NaN, at least one value.
        threshold: Significance level.
        method: ``"auto"``, ``"exact"`` or ``"asymp"``.
        merged: The merge of these two samples when already made (:mod:`.merge_pass`); made otherwise.

    Returns:
        The result.

    Example:
        >>> import numpy as np
        >>> result = ks_test_sorted(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
        >>> result.statistic, round(result.p_value, 4)
        (1.0, 0.1)
    """
    n_reference, n_current = int(reference_sorted.size), int(current_sorted.size)
    d, location = ks_statistic_sorted(reference_sorted, current_sorted) if merged is None else merged.ks
    use_exact = method == "exact" or (method == "auto" and max(n_reference, n_current) <= MAX_EXACT_N)
    if use_exact:
        d, h = exact_statistic(d, n_reference, n_current)
        p_value = exact_p_value(h, n_reference, n_current)
    else:
        p_value = asymptotic_p_value(d, n_reference, n_current)
    return StatTestResult(
        test=TEST_NAME,
        statistic=d,
        p_value=p_value,
        threshold=threshold,
        drift_detected=bool(p_value < threshold),
        n_reference=n_reference,
        n_current=n_current,
        details={"method": "exact" if use_exact else "asymp", "location": location},
    )


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=ks_test,
    sorted_kernel=ks_test_sorted,
    counts_kernel=None,
    default_threshold=DEFAULT_THRESHOLD,
    kind="p_value",
    feature_kinds=frozenset({"numerical"}),
    merges=True,
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
