"""Evidence against "no drift" from one check of one feature: a p-value turned into an e-value.

An *e-value* is a non-negative statistic whose expectation is at most 1 when there is no drift; large
values are evidence of drift, and e-values of successive checks can be multiplied, which is what lets
a monitor accumulate weak evidence over time (:mod:`.sequential`). A p-value ``p`` is turned into one
by the mixture calibrator (Vovk & Wang 2021, "E-values: calibration, combination and applications",
eq. for the calibrator averaged over κ ∈ (0, 1))::

    e(p) = (1 − p + p·ln p) / (p · (ln p)²)        e(1) = 0,   e(p) → ∞ as p → 0

which is an e-value whenever ``p`` is a valid p-value (``P(p ≤ u) ≤ u``): ``∫₀¹ e(u) du = 1``.
For example ``e(0.05) ≈ 1.8``, ``e(0.001) ≈ 21``, ``e(1e-10) ≈ 1.9e7``.

A check whose effect size is below the feature's practical floor contributes ``min(e, 1)``: it can
lower the accumulated evidence but not raise it, so a shift too small to matter never alarms however
large the sample (the capped value is still an e-value, since it never exceeds ``e``).

>>> round(mixture_e_value(0.05), 3), round(mixture_e_value(0.001), 1)
(1.783, 20.8)
>>> mixture_e_value(1.0), check_evidence(1e-12, practical=False)
(0.0, 1.0)
"""

from __future__ import annotations

import math
from typing import Final

#: The smallest p-value used (smaller ones, down to 0, are clipped to it): keeps the e-value finite.
SMALLEST_P: Final[float] = 1e-300


def mixture_e_value(p_value: float) -> float:
    """The mixture calibrator's e-value of a p-value (see the module docstring).

    Args:
        p_value: A p-value in [0, 1].

    Returns:
        The e-value, in ``[0, ~1.3e297]``.
    """
    p = min(max(p_value, SMALLEST_P), 1.0)
    if p >= 1.0:
        return 0.0
    log_p = math.log(p)
    return (1.0 - p + p * log_p) / (p * log_p * log_p)


def check_evidence(p_value: float, *, practical: bool) -> float:
    """The e-value one check contributes for a feature: capped at 1 when its effect is below the floor."""
    e_value = mixture_e_value(p_value)
    return e_value if practical else min(e_value, 1.0)
