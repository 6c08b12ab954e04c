r"""Confidence intervals of a mean outcome: Wilson's for 0/1 outcomes, Student's t for real-valued ones.

For ``n`` outcomes of 0 or 1 with error rate :math:`\hat p` and :math:`z` the two-sided normal quantile
of the confidence level (1.96 at 95%), the Wilson score interval is

.. math::
    \frac{\hat p + z^2 / 2n}{1 + z^2 / n} \pm \frac{z}{1 + z^2 / n}
    \sqrt{\frac{\hat p (1 - \hat p)}{n} + \frac{z^2}{4 n^2}},

which stays inside ``[0, 1]`` and keeps a sensible width at rates near 0 or 1 and small ``n``, where the
normal approximation collapses to a point. For real values (a loss, or an error in ``[0, 1]``) the
interval is :math:`\bar x \pm t_{n-1} s / \sqrt n` with the sample standard deviation :math:`s`
(``n - 1`` in the denominator); it needs ``n >= 2``.

>>> [round(bound, 4) for bound in wilson_interval(0.1, 1000, 0.95)]
[0.0829, 0.1202]
>>> [round(bound, 4) for bound in student_t_interval(2.0, 1.0, 10, 0.95)]
[1.2846, 2.7154]
"""

from __future__ import annotations

import math

from scipy import special

__all__ = ["student_t_interval", "wilson_interval"]


def _finite(low: float, high: float) -> tuple[float, float] | None:
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


def wilson_interval(rate: float, n: int, confidence: float) -> tuple[float, float] | None:
    """The Wilson score interval of an error rate observed over ``n`` 0/1 outcomes.

    Args:
        rate: Share of ones among the outcomes, in ``[0, 1]``.
        n: Number of outcomes.
        confidence: Confidence level, in ``(0, 1)``.

    Returns:
        ``(low, high)``, or ``None`` when ``n`` is 0.
    """
    if n <= 0:
        return None
    z = float(special.ndtri(0.5 + confidence / 2))
    z2n = z * z / n
    centre = (rate + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(rate * (1 - rate) / n + z2n / (4 * n))
    return _finite(max(0.0, centre - half), min(1.0, centre + half))


def student_t_interval(mean: float, variance: float, n: int, confidence: float) -> tuple[float, float] | None:
    """Student's t interval of a mean of ``n`` real values.

    Args:
        mean: The sample mean.
        variance: The sample variance (``n - 1`` in the denominator).
        n: Number of values.
        confidence: Confidence level, in ``(0, 1)``.

    Returns:
        ``(low, high)``, or ``None`` when ``n < 2`` or the figures are not finite.
    """
    if n < 2:
        return None
    t = float(special.stdtrit(n - 1, 0.5 + confidence / 2))
    half = t * math.sqrt(max(variance, 0.0) / n)
    return _finite(mean - half, mean + half)
