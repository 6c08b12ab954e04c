"""Optional compilation, with numba, of the three loops numpy cannot vectorise.

The loops are written here as plain Python over float64 arrays and integers, so they can be read,
tested and, when numba is missing, replaced by their numpy counterparts in the calling modules:

* :func:`merge_pass_loop` -- one merge of two sorted samples (:mod:`.merge_pass`);
* :func:`band_outside_loop` -- the exact two-sample KS p-value for unequal sizes, Viehmann's outside
  recursion column by column (:mod:`.ks_distribution`);
* :func:`square_outside_loop` -- the exact KS p-value for equal sizes, the alternating binomial sum in
  Horner form.

:func:`jit_kernels` compiles the loops through :mod:`aumos_drift_detector.core.compilation` (numba
imported on first use, never at import time; ``nogil=True``, ``cache=True``: the first process
compiles for about two seconds, later ones load the cache in well under a second). It returns
``None`` when numba is not installed or the environment variable ``AUMOS_DRIFT_NO_JIT`` is set to a
non-empty value; callers then use numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from aumos_drift_detector.core.compilation import DISABLE_VARIABLE, LazyKernel
from aumos_drift_detector.core.statistical.samples import FloatArray

__all__ = [
    "DISABLE_VARIABLE",
    "JitKernels",
    "band_outside_loop",
    "jit_kernels",
    "merge_pass_loop",
    "square_outside_loop",
]


def merge_pass_loop(
    reference: FloatArray, current: FloatArray, integrals: bool
) -> tuple[int, float, int, float, float, float]:
    """Merge two sorted samples once (ties: reference first) and measure the ECDF gaps.

    Gaps are kept as integer numerators ``i m - j n`` of ``F_reference - F_current = i / n - j / m``
    and read at the end of each run of equal pooled values; the integrals, when asked for, are summed
    over the widths between consecutive distinct values with Neumaier's compensation.

    Returns:
        ``(top, top_at, bottom, bottom_at, l1, l2)``: the largest and smallest numerator with the
        first pooled value where each occurs, ``sum |numerator| * width`` and
        ``sum numerator^2 * width`` (zero when ``integrals`` is false).

    Example:
        >>> [float(value) for value in merge_pass_loop(np.array([0.0, 1.0]), np.array([2.0]), True)]
        [2.0, 1.0, 0.0, 2.0, 3.0, 5.0]
    """
    n, m = reference.size, current.size
    i = j = top = bottom = pending = 0
    top_at = bottom_at = previous = min(reference[0], current[0])
    started = False
    l1 = l1_carry = l2 = l2_carry = 0.0
    while i < n or j < m:
        if i < n and j < m:
            take = reference[i] <= current[j]
            x = min(reference[i], current[j])
        else:
            take = i < n
            x = reference[i] if take else current[j]
        if x != previous:  # `pending` is the gap at the end of a run of equal pooled values
            if not started or pending > top:
                top, top_at = pending, previous
            if not started or pending < bottom:
                bottom, bottom_at = pending, previous
            started = True
            if integrals:
                size = float(abs(pending))
                term = size * (x - previous)
                total = l1 + term
                l1_carry += (l1 - total) + term if abs(l1) >= abs(term) else (term - total) + l1
                l1 = total
                term *= size
                total = l2 + term
                l2_carry += (l2 - total) + term if abs(l2) >= abs(term) else (term - total) + l2
                l2 = total
            previous = x
        i += take
        j += 1 - take
        pending = i * m - j * n
    if not started or top < 0:
        top, top_at = 0, previous
    if not started or bottom > 0:
        bottom, bottom_at = 0, previous
    return top, top_at, bottom, bottom_at, l1 + l1_carry, l2 + l2_carry


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


@dataclass(frozen=True, slots=True)
class JitKernels:
    """The compiled loops (same signatures as the Python functions of this module)."""

    merge_pass: Callable[..., Any]
    band_outside: Callable[..., Any]
    square_outside: Callable[..., Any]


_merge_pass = LazyKernel(merge_pass_loop)
_band_outside = LazyKernel(band_outside_loop)
_square_outside = LazyKernel(square_outside_loop)


def jit_kernels() -> JitKernels | None:
    """The numba-compiled loops, or ``None`` without numba or with ``AUMOS_DRIFT_NO_JIT`` set."""
    merge_pass = _merge_pass.compiled()
    band_outside = _band_outside.compiled()
    square_outside = _square_outside.compiled()
    if merge_pass is None or band_outside is None or square_outside is None:
        return None
    return JitKernels(merge_pass=merge_pass, band_outside=band_outside, square_outside=square_outside)
