r"""Exact p-value of the two-sample Kolmogorov-Smirnov test for two samples of equal size.

For samples of size :math:`n` and statistic :math:`D = h/n`, the two-sided tail probability is

.. math::

    P(D_{n,n} \ge h/n) = 2\sum_{k \ge 1} (-1)^{k-1} \binom{2n}{n-kh} \Big/ \binom{2n}{n},

evaluated, as SciPy's ``ks_2samp(method="exact")`` does, by a Horner-like nesting of the ratios of
binomial coefficients to avoid cancellation (same operations in the same order, so the same float).
KSWIN only needs the decision ``p <= alpha and D > 0.1``, which is monotone in ``h``, so it is
reduced to the smallest ``h`` that passes.
"""

from __future__ import annotations

import math


def prob_outside_square(n: int, h: int) -> float:
    """Return ``P(D_{n,n} >= h/n)`` with SciPy's exact recurrence, or 1.0 where it is not a probability.

    SciPy falls back to its asymptotic distribution when the recurrence leaves ``[0, 1]``; that only
    happens for tiny statistics whose p-value is above 0.9999, so 1.0 decides identically for any
    ``alpha`` used in practice.

    Args:
        n: Size of each sample (>= 1).
        h: The statistic times ``n`` (``0 <= h <= n``).

    Returns:
        The two-sided p-value.
    """
    if h == 0:
        return 1.0
    total = 0.0
    k = math.floor(n / h)
    while k >= 0:
        term = 1.0
        for j in range(h):
            term = (n - k * h - j) * term / (n + k * h + j + 1)
        total = term * (1.0 - total)
        k -= 1
    probability = 2 * total
    return probability if 0.0 <= probability <= 1.0 else 1.0


def drift_threshold(stat_size: int, alpha: float) -> int:
    """Smallest ``h`` with ``p(h) <= alpha`` and ``h / stat_size > 0.1`` (``stat_size + 1`` if none).

    Args:
        stat_size: Size of each KS sample.
        alpha: Significance level.

    Returns:
        The threshold on the integer statistic.
    """

    def passes(h: int) -> bool:
        return h * 1.0 / stat_size > 0.1 and prob_outside_square(stat_size, h) <= alpha

    low, high = 1, stat_size + 1
    while low < high:
        middle = (low + high) // 2
        if passes(middle):
            high = middle
        else:
            low = middle + 1
    return low
