"""The two-sample Kolmogorov-Smirnov test from bin counts, with its guaranteed bound.

Counts on bins ``b_0 = (-inf, e_1), b_j = [e_j, e_(j+1)), b_k = [e_k, +inf]`` give each empirical CDF
exactly at the left limits of the edges: ``R_j = F_reference(e_j-)`` and ``C_j = F_current(e_j-)``
(cumulative shares of the bins before ``b_j``; ``R_0 = C_0 = 0``, ``R_(k+1) = C_(k+1) = 1``). Inside
``b_j`` each CDF stays between its values at the two ends, so the true statistic ``D`` obeys

    lower = max_j |R_j - C_j|  <=  D  <=  max_j max(R_(j+1) - C_j, C_(j+1) - R_j) = upper,

and ``upper <= lower + `` the largest share of one bin in either sample. The lower value is a gap the
true CDFs really have (at the left limit of an edge), and the upper value is the largest gap the counts
allow. With thousands of reference-quantile bins the interval is about ``1/B`` wide.

Both ends get a p-value from the exact or large-sample null distribution of
:mod:`aumos_drift_detector.core.statistical.ks_distribution` (exact when both samples hold at most
:data:`~aumos_drift_detector.core.statistical.ks_distribution.MAX_EXACT_N` values, as the raw path). The
p-value is decreasing in ``D``, so ``p(lower) >= p(D) >= p(upper)``: the test decides on ``p(lower)``,
so it never declares a drift that the exact test on the raw values would not, and reports
``p(upper)`` as ``p_value_lower`` and whether the two ends agree as ``decision_certain``. When every
value of the pooled data sits on an edge (a feature with few distinct values, binned by value), every
jump of both CDFs is at an edge, so ``lower`` is the exact ``D`` and ``p(lower)`` the exact p-value; the
counts alone cannot show that, so ``upper`` stays the width of a bin above it.

Rank sketches (KLL, t-digest) are not used: their rank error is probabilistic and enters the p-value
unaccounted, which at large ``n`` flags drift under no drift; the bound here is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.ks_distribution import (
    MAX_EXACT_N,
    asymptotic_p_value,
    exact_p_value,
    exact_statistic,
)
from aumos_drift_detector.core.statistical.ks_test import DEFAULT_THRESHOLD, TEST_NAME
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.summaries.feature_counts import CountArray
from aumos_drift_detector.core.summaries.moments import FloatArray


@dataclass(frozen=True, slots=True)
class KsInterval:
    """Where the true KS statistic lies, given the counts.

    Attributes:
        lower: ``D`` at the edges (a gap the CDFs really have).
        upper: The largest ``D`` the counts allow.
        edge: Index of the bin boundary where ``lower`` is reached (0 is ``-inf``).
    """

    lower: float
    upper: float
    edge: int


def _shares(counts: CountArray) -> FloatArray:
    total = int(counts.sum())
    return np.concatenate(([0.0], np.cumsum(counts, dtype=np.float64) / total))


def ks_interval(reference_counts: CountArray, current_counts: CountArray) -> KsInterval:
    """The bound on the KS statistic from aligned bin counts (see the module docstring).

    Raises:
        ValidationError: Counts of different lengths or an empty sample.

    Example:
        >>> interval = ks_interval(np.array([5, 5, 0]), np.array([0, 5, 5]))
        >>> interval.lower, interval.upper
        (0.5, 1.0)
    """
    if reference_counts.shape != current_counts.shape or int(reference_counts.sum()) * int(current_counts.sum()) == 0:
        raise ValidationError("the KS test needs aligned counts with values in both samples", details={"test": "ks"})
    reference, current = _shares(reference_counts), _shares(current_counts)
    gaps = np.abs(reference - current)
    edge = int(np.argmax(gaps))
    upper = max(float(np.max(reference[1:] - current[:-1])), float(np.max(current[1:] - reference[:-1])))
    lower = float(gaps[edge])
    return KsInterval(lower, max(upper, lower), edge)


def _p_value(d: float, n_reference: int, n_current: int, *, exact: bool) -> tuple[float, float]:
    if exact:
        snapped, h = exact_statistic(d, n_reference, n_current)
        return snapped, exact_p_value(h, n_reference, n_current)
    return d, asymptotic_p_value(d, n_reference, n_current)


def ks_from_counts(
    reference_counts: CountArray, current_counts: CountArray, *, threshold: float = DEFAULT_THRESHOLD
) -> StatTestResult:
    """The KS test from bin counts: the statistic at the edges, its bound and both p-values.

    Args:
        reference_counts: Reference values per bin.
        current_counts: Current values per bin, on the same bins.
        threshold: Significance level.

    Returns:
        The result; ``statistic`` and ``p_value`` are those of the lower end, ``details`` holds
        ``statistic_upper``, ``p_value_lower`` and ``decision_certain``.

    Example:
        >>> result = ks_from_counts(np.array([3, 0, 0]), np.array([0, 0, 3]))
        >>> result.statistic, round(result.p_value, 4), result.details["decision_certain"]
        (1.0, 0.1, True)
    """
    interval = ks_interval(reference_counts, current_counts)
    n_reference, n_current = int(reference_counts.sum()), int(current_counts.sum())
    exact = max(n_reference, n_current) <= MAX_EXACT_N
    lower, p_lower_end = _p_value(interval.lower, n_reference, n_current, exact=exact)
    upper, p_upper_end = _p_value(interval.upper, n_reference, n_current, exact=exact)
    detected = p_lower_end < threshold
    return StatTestResult(
        test=TEST_NAME,
        statistic=lower,
        p_value=p_lower_end,
        threshold=threshold,
        drift_detected=bool(detected),
        n_reference=n_reference,
        n_current=n_current,
        details={
            "method": "exact" if exact else "asymp",
            "binning": "summary",
            "statistic_upper": upper,
            "p_value_lower": p_upper_end,
            "decision_certain": bool(detected == (p_upper_end < threshold)),
            "edge": interval.edge,
        },
    )
