"""From per-feature tests to one dataset verdict: corrections, strength and the drift share.

Multiple-testing correction applies to the features whose test yields a p-value; distance tests
are untouched. With ``m`` such features and raw p-values ``p_1..p_m``:

* ``"bonferroni"``: ``p_i' = min(1, m * p_i)`` (controls the family-wise error rate);
* ``"bh"`` (Benjamini–Hochberg): with the p-values in ascending order ``p_(1) <= ... <= p_(m)``,
  ``p_(i)' = min(1, min_{k >= i} m * p_(k) / k)`` (controls the false discovery rate);
* ``"none"``: no adjustment.

A corrected feature drifts when ``p' < threshold``, the same rule the tests apply to raw p-values.

Strength makes p-value and distance tests comparable, with 1 at the decision boundary:
``statistic / threshold`` for distances and ``log(p) / log(threshold)`` for p-values (the
adjusted p-value when a correction applies). Larger is stronger drift.

The dataset drifts when the (importance-weighted) share of drifted features reaches
``drift_share``: ``sum(w_i * drifted_i) / sum(w_i) >= drift_share``.

>>> adjust_p_values([0.01, 0.04, 0.03], "bh").round(3).tolist()
[0.03, 0.04, 0.04]
>>> weighted_share([True, False, False], [2.0, 1.0, 1.0])
0.5
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final, Literal, TypeAlias, get_args

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError

Correction: TypeAlias = Literal["none", "bonferroni", "bh"]
CORRECTIONS: Final[tuple[str, ...]] = get_args(Correction)
DEFAULT_DRIFT_SHARE: Final[float] = 0.5
_SMALLEST_P: Final[float] = float(np.finfo(np.float64).tiny)


def check_correction(correction: str) -> Correction:
    """Return ``correction`` if it names a known method.

    Raises:
        ValidationError: For an unknown method.
    """
    if correction not in CORRECTIONS:
        raise ValidationError(
            f"unknown correction {correction!r} (expected one of {', '.join(CORRECTIONS)})",
            details={"correction": correction},
        )
    return correction  # type: ignore[return-value]


def check_drift_share(drift_share: float) -> float:
    """Return ``drift_share`` if it lies in (0, 1].

    Raises:
        ValidationError: Otherwise.
    """
    if not (math.isfinite(drift_share) and 0 < drift_share <= 1):
        raise ValidationError(
            f"drift_share must be in (0, 1], got {drift_share!r}", details={"drift_share": drift_share}
        )
    return drift_share


def adjust_p_values(p_values: Sequence[float], correction: Correction) -> npt.NDArray[np.float64]:
    """Adjust raw p-values for multiple testing.

    Args:
        p_values: Raw p-values, one per test, in any order.
        correction: ``"none"``, ``"bonferroni"`` or ``"bh"``.

    Returns:
        Adjusted p-values in the input order, each in [0, 1].
    """
    raw = np.asarray(p_values, dtype=np.float64)
    m = raw.size
    if correction == "none" or m == 0:
        return raw.copy()
    if correction == "bonferroni":
        return np.minimum(raw * m, 1.0)
    order = np.argsort(raw, kind="stable")
    scaled = raw[order] * m / np.arange(1, m + 1)
    monotone = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m, dtype=np.float64)
    adjusted[order] = np.minimum(monotone, 1.0)
    return adjusted


def p_value_drifts(p_value: float, threshold: float) -> bool:
    """The decision rule for a (possibly adjusted) p-value: drift when ``p < threshold``."""
    return bool(p_value < threshold)


def strength(statistic: float, p_value: float | None, threshold: float) -> float:
    """How far a result lies past its decision boundary (1 = on the boundary, larger = stronger).

    >>> strength(0.2, None, 0.1)
    2.0
    >>> round(strength(0.0, 0.0025, 0.05), 3)
    2.0
    """
    if p_value is None:
        return statistic / threshold if math.isfinite(statistic) else math.inf
    if p_value >= 1.0 or threshold >= 1.0:
        return 0.0
    return math.log(max(p_value, _SMALLEST_P)) / math.log(threshold)


def weighted_share(drifted: Sequence[bool], weights: Sequence[float]) -> float:
    """Importance-weighted share of drifted features (unweighted when all weights are equal)."""
    total = math.fsum(weights)
    if total <= 0:
        return 0.0
    return math.fsum(weight for flag, weight in zip(drifted, weights, strict=True) if flag) / total
