"""Null distribution of the two-sample Kolmogorov-Smirnov statistic: exact and large-sample p-values.

The p-values reproduce ``scipy.stats.ks_2samp(method="auto")``:

* **Exact** (both samples at most :data:`MAX_EXACT_N` values): the probability that a random lattice
  path from ``(0, 0)`` to ``(m, n)`` leaves the band ``|x/m - y/n| < d`` (Hodges 1958), computed with
  Viehmann's (2021) recursion for the *outside* probability, which stays accurate for small p-values::

      Q(i, j) = (i * Q(i-1, j) + j * Q(i, j-1)) / (i + j),   Q = 1 outside the band, Q(0, 0) = 0.

  With numba (:mod:`aumos_drift_detector.core.compilation`) the recursion runs compiled
  (:func:`band_outside_loop`), column by column over the band's rows only,
  in the operation order of scipy's own routine (about 10 ms for sizes near 10,000, where the numpy
  form takes 0.2 s). Without numba, cells on one anti-diagonal ``i + j = k`` depend only on the
  previous anti-diagonal, so the recursion runs as ``m + n`` vectorised numpy steps, each cell
  performing the same floating-point operations. Equal sample sizes use the closed alternating sum of
  binomial ratios in Horner form (Gnedenko-Korolyuk, :func:`square_outside_loop`: ``O(n)`` steps),
  compiled when numba is available and run as plain Python otherwise, with the same result either
  way. This is the library's one copy of that sum: KSWIN's drift threshold uses it too.
* **Large samples**: ``P(D_N >= d)`` of the *one-sample* two-sided statistic at the effective size
  ``N = round(m n / (m + n))``, as scipy does. Where scipy is slow -- ``N d^2 >= 2.2``, where that tail
  equals ``2 * smirnov(N, d)`` and scipy sums ``N`` Birnbaum-Tingey terms -- the sum is replaced by the
  integral of its (smooth, log-gamma-continued) summand over ``j``, evaluated by Gauss-Legendre
  quadrature. The summand is a bump whose width in ``j`` grows like ``N``, so the Euler-Maclaurin
  remainder between sum and integral is far below double precision once ``N >= 2000``; measured
  relative error against ``scipy.special.smirnov`` is below 1e-9 for ``2000 <= N <= 5e5`` and all
  ``d`` with a p-value above 1e-300 (see ``tests/core/statistical/test_ks_distribution.py``). Elsewhere
  the tail is cheap and scipy's ``kstwo`` distribution is evaluated directly.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import special

from aumos_drift_detector.core.compilation import jit_disabled, kernel

MAX_EXACT_N = 10_000
"""Largest sample size for which the exact p-value is computed (scipy's ``method="auto"`` rule)."""
#: Fewer pooled values than this take the exact recursions uncompiled (plain Python for equal sizes, the
#: numpy sweep otherwise): a few milliseconds, where a process's first compiled call loads numba (about a second).
COMPILED_FROM = 5_000

_FAST_TAIL_MIN_N = 2_000
_TAIL_SPLIT = 2.2  # N d^2 above which the one-sample tail is twice the one-sided Smirnov tail
_TAIL_ZERO = 370.0  # N d^2 above which the tail underflows to 0
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(32)
_GL_PANELS = 16


def exact_statistic(d: float, n_reference: int, n_current: int) -> tuple[float, int]:
    """Snap a KS distance to the lattice ``h / lcm(n_reference, n_current)``.

    Args:
        d: The observed distance.
        n_reference: Reference sample size.
        n_current: Current sample size.

    Returns:
        The snapped distance and its integer numerator ``h``.
    """
    lcm = (n_reference // math.gcd(n_reference, n_current)) * n_current
    h = round(d * lcm)
    return h / lcm, h


def exact_p_value(h: int, n_reference: int, n_current: int) -> float:
    """Exact two-sided ``P(D >= h / lcm)`` under the null of identical continuous distributions.

    Args:
        h: Numerator of the statistic on the ``1 / lcm`` lattice (``exact_statistic``).
        n_reference: Reference sample size.
        n_current: Current sample size.

    Returns:
        The p-value in [0, 1].

    Example:
        >>> round(exact_p_value(3, 4, 4), 6)  # d = 3/4 with 4 values each
        0.228571
    """
    if h <= 0:
        return 1.0
    small = n_reference + n_current < COMPILED_FROM
    if n_reference == n_current:
        outside = square_outside_loop(n_reference, h) if small else square_outside_kernel(n_reference, h)
    elif small or jit_disabled():
        outside = _band_outside(n_reference, n_current, h)
    else:
        m, n = max(n_reference, n_current), min(n_reference, n_current)
        g = math.gcd(m, n)
        outside = band_outside_kernel(m, n, m // g, n // g, h)
    return min(max(float(outside), 0.0), 1.0)


def band_outside_loop(m: int, n: int, mg: int, ng: int, h: int) -> float:
    """Share of lattice paths from ``(0, 0)`` to ``(m, n)`` that leave the band ``|ng i - mg j| < h``.

    Viehmann's recursion ``Q(i, j) = (i Q(i-1, j) + j Q(i, j-1)) / (i + j)`` with ``Q = 1`` outside the
    band, one column ``i`` at a time, only over the band's rows.

    Example:
        >>> round(band_outside_loop(2, 1, 2, 1, 2), 6)  # m=2, n=1, d = 1: 2 of the 3 paths
        0.666667
    """
    column = np.ones(n + 1, dtype=np.float64)
    for j in range(n + 1):
        if mg * j < h:
            column[j] = 0.0
    for i in range(1, m + 1):
        low = max((ng * i - h) // mg + 1, 0)
        high = min(-((-(ng * i + h)) // mg) - 1, n)
        if low > high:
            return 1.0
        value = 1.0 if low > 0 else 0.0
        for j in range(low, high + 1):
            value = (column[j] * i + value * j) / (i + j)
            column[j] = value
    return float(column[n])


def square_outside_loop(n: int, h: int) -> float:
    """Equal sizes: ``2 sum_k (-1)^(k-1) C(2n, n-kh) / C(2n, n)`` in nested (Horner) form.

    Example:
        >>> round(square_outside_loop(4, 3), 6)
        0.228571
    """
    total = 0.0
    for k in range(n // h, -1, -1):
        ratio = 1.0
        for j in range(h):
            ratio = (n - k * h - j) * ratio / (n + k * h + j + 1)
        total = ratio * (1.0 - total)
    return 2.0 * total


band_outside_kernel = kernel(band_outside_loop)
"""The compiled :func:`band_outside_loop` (plain Python when compilation is off)."""
square_outside_kernel = kernel(square_outside_loop)
"""The compiled :func:`square_outside_loop` (plain Python when compilation is off)."""


def _band_outside(n_reference: int, n_current: int, h: int) -> float:
    """Unequal sizes: Viehmann's outside recursion swept over anti-diagonals."""
    m, n = max(n_reference, n_current), min(n_reference, n_current)
    g = math.gcd(m, n)
    mg, ng = m // g, n // g
    k = np.arange(m + n + 1, dtype=np.int64)
    # cell (i, k - i) is inside the band iff |(mg + ng) i - mg k| < h
    lows = np.maximum(np.maximum((mg * k - h) // (mg + ng) + 1, 0), k - n)
    highs = np.minimum(np.minimum(-((-(mg * k + h)) // (mg + ng)) - 1, m), k)
    if np.any(lows > highs):
        return 1.0
    lows_list, highs_list = lows.tolist(), highs.tolist()
    i_values = np.arange(m + 1, dtype=np.float64)
    # q[p + 1] holds Q(p, k - p) for the current diagonal; q[0] stands for the absent column i = -1
    q = np.ones(m + 2, dtype=np.float64)
    q[1] = 0.0
    previous_low = 0
    for diagonal in range(1, m + n + 1):
        low, high = lows_list[diagonal], highs_list[diagonal]
        i = i_values[low : high + 1]
        updated = (q[low : high + 1] * i + q[low + 1 : high + 2] * (diagonal - i)) / diagonal
        q[previous_low + 1 : low + 1] = 1.0
        q[low + 1 : high + 2] = updated
        previous_low = low
    return float(q[m + 1])


def asymptotic_p_value(d: float, n_reference: int, n_current: int) -> float:
    """Large-sample two-sided p-value, ``P(D_N >= d)`` at ``N = round(m n / (m + n))``.

    Args:
        d: The observed distance.
        n_reference: Reference sample size.
        n_current: Current sample size.

    Returns:
        The p-value in [0, 1].

    Example:
        >>> f"{asymptotic_p_value(0.004, 1_000_000, 1_000_000):.4e}"
        '2.2446e-07'
    """
    m, n = float(max(n_reference, n_current)), float(min(n_reference, n_current))
    effective_n = int(np.round(m * n / (m + n)))
    return kolmogorov_sf(d, effective_n)


def kolmogorov_sf(d: float, n: int) -> float:
    """Survival function of the one-sample two-sided KS statistic ``D_n`` (scipy's ``kstwo.sf``).

    Args:
        d: The distance.
        n: Sample size, at least 1.

    Returns:
        ``P(D_n >= d)``.
    """
    if d <= 0.0:
        return 1.0
    if d >= 1.0:
        return 0.0
    if n >= _FAST_TAIL_MIN_N and d < 0.5:
        scaled = n * d * d
        if scaled >= _TAIL_ZERO:
            return 0.0
        if scaled >= _TAIL_SPLIT:
            return min(2.0 * smirnov_tail(n, d), 1.0)
    from scipy import stats  # imported at first use: it costs a small ``aumos-drift check`` half a second

    return float(np.clip(stats.kstwo.sf(d, n), 0.0, 1.0))


def smirnov_tail(n: int, d: float) -> float:
    """One-sided KS tail ``P(D_n^+ >= d)`` from the integral of the Birnbaum-Tingey summand.

    ``P = d * sum_j C(n, j) (d + j/n)^(j-1) (1 - d - j/n)^(n-j)`` for ``0 <= j <= n (1 - d)``; the sum is
    replaced by the integral over ``j`` (accurate for ``n >= 2000``, see the module docstring).

    Args:
        n: Sample size.
        d: The distance, ``0 < d < 1``.

    Returns:
        The tail probability.
    """
    upper = n * (1.0 - d)
    edges = np.linspace(0.0, upper, _GL_PANELS + 1)
    half = np.diff(edges) / 2.0
    middle = (edges[:-1] + edges[1:]) / 2.0
    j: npt.NDArray[np.float64] = (middle[:, None] + half[:, None] * _GL_NODES[None, :]).ravel()
    weights = (half[:, None] * _GL_WEIGHTS[None, :]).ravel()
    u = j / n
    log_binomial = -np.log(n + 1.0) - special.betaln(n - j + 1.0, j + 1.0)
    log_terms = log_binomial + (j - 1.0) * np.log(d + u) + (n - j) * np.log1p(-d - u)
    return float(d * np.sum(weights * np.exp(log_terms)))
