r"""ADWIN's cut search: a cheap screen that proves most splits insignificant, then River's exact test.

A split of the window into an older part (:math:`n_0` values summing to :math:`S_0`) and a newer part
(:math:`n_1`, :math:`S_1`) is a cut when, in River's floating-point arithmetic,

.. math::

    \left|\frac{S_0}{n_0} - \frac{S_1}{n_1}\right| > \sqrt{2 h \sigma^2 L} + \tfrac{2}{3} L h,
    \qquad h = \frac{1}{a} + \frac{1}{b},\ a = n_0 - \ell + 1,\ b = n_1 - \ell + 1.

That costs four divisions and a square root per split. The screen multiplies the inequality by
:math:`n_0 n_1 a b > 0` and squares it, leaving products only: with :math:`g = |S_0 n_1 - S_1 n_0|`,
:math:`P = n_0 n_1` and :math:`Y = g\,ab - \tfrac{2}{3} L (a + b) P`, the split is no cut when
:math:`Y \le 0` or :math:`Y^2 \le 2 \sigma^2 L (a + b)\,ab\,P^2`. The screen asks for that with a
relative margin of ``SCREEN_MARGIN`` on the threshold, after padding :math:`g` and :math:`Y` by
``ROUNDING_PAD`` times the magnitudes they were computed from. Rounding moves each side by a few
units in the last place (relative ``1e-15``), far inside the margin and the pads, so a split the
screen clears would also fail River's test on the same sums: the screen never changes an answer, it
only skips work. Whatever it cannot clear (a NaN, an overflow, a split near the threshold) goes to
the exact test, evaluated with River's operations in River's order.

Each search first lays out the split points (oldest bucket first), screens them all in one
branch-free loop and runs the exact test only when some split was not cleared. Whether *some* cut
exists is all ADWIN needs: every cut found drops the oldest bucket and the search repeats.

Skipping searches that provably find no cut is :mod:`.adwin_skip`'s part.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import inline_kernel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SCREEN_MARGIN = 1e-6
"""Relative margin below River's threshold that the screen demands before it clears a split."""
ROUNDING_PAD = 1e-12
"""Relative pad, against rounding, on the screened gap and on the screened left-hand side."""


@inline_kernel
def exact_cut(
    sum_old: float, sum_new: float, n_old: float, n_new: float, min_length: float, variance: float, log_term: float
) -> bool:
    """River's cut test for one split, operation for operation (``variance`` is the window's population variance)."""
    mean_gap = (sum_old / n_old) - (sum_new / n_new)
    harmonic = 1.0 / (n_old - min_length + 1.0) + 1.0 / (n_new - min_length + 1.0)
    radicand = 2.0 * harmonic * variance * log_term
    if radicand < 0.0:  # a variance rounded below zero: River's square root is NaN, and NaN fails the test
        return False
    epsilon = math.sqrt(radicand) + 2.0 / 3.0 * log_term * harmonic
    return abs(mean_gap) > epsilon


@inline_kernel
def _layout_splits(
    totals: FloatArray, counts: IntArray, heads: IntArray, n_levels: int, total: float, splits: FloatArray
) -> int:
    """Write ``[n_old, sum_old, sum_new]`` after each bucket, oldest first (River's running sums); return the count."""
    mask = totals.shape[1] - 1
    n_old, sum_old, sum_new = 0.0, 0.0, total
    m = 0
    for level in range(n_levels - 1, -1, -1):
        size = float(1 << level)
        head = heads[level]
        for k in range(counts[level]):
            bucket_total = totals[level, (head + k) & mask]
            n_old += size
            sum_old += bucket_total
            sum_new -= bucket_total
            splits[0, m] = n_old
            splits[1, m] = sum_old
            splits[2, m] = sum_new
            m += 1
    return m


@inline_kernel
def _unscreened(splits: FloatArray, m: int, width: float, min_length: float, variance: float, log_term: float) -> int:
    """Count the eligible splits among the first ``m`` that the screen cannot clear (branch-free, vectorisable)."""
    linear_factor = (1.0 - SCREEN_MARGIN) * (2.0 / 3.0) * log_term
    square_factor = (1.0 - SCREEN_MARGIN) * (1.0 - SCREEN_MARGIN) * 2.0 * variance * log_term
    unsure = 0
    for j in range(m):
        n_old = splits[0, j]
        sum_old = splits[1, j]
        sum_new = splits[2, j]
        n_new = width - n_old
        a = n_old - min_length + 1.0
        b = n_new - min_length + 1.0
        ab = a * b
        a_plus_b = a + b
        p = n_old * n_new
        gap = abs(sum_old * n_new - sum_new * n_old) + ROUNDING_PAD * (abs(sum_old) * n_new + abs(sum_new) * n_old)
        lhs = gap * ab
        linear = linear_factor * a_plus_b * p
        y = lhs - linear + ROUNDING_PAD * (lhs + abs(linear))
        cleared = (y <= 0.0) | (y * y <= square_factor * a_plus_b * ab * p * p)
        eligible = (n_new >= min_length) & (n_old >= min_length)
        unsure += eligible & ~cleared
    return unsure


@inline_kernel
def cut_found(
    totals: FloatArray,
    counts: IntArray,
    heads: IntArray,
    window: FloatArray,
    n_levels: int,
    delta: float,
    min_length: float,
    splits: FloatArray,
) -> bool:
    """Whether some split of the window is a cut (River's answer); ``splits`` is scratch, ``(3, >= buckets)``."""
    total, width = window[0], window[2]
    if width < 2.0:  # no split leaves both parts non-empty (and the logarithms below need width >= 2)
        return False
    log_term = math.log(2.0 * math.log(width) / delta)
    variance = window[1] / width
    m = _layout_splits(totals, counts, heads, n_levels, total, splits) - 1  # the whole window has no newer part
    if _unscreened(splits, m, width, min_length, variance, log_term) == 0:
        return False
    for j in range(m):
        n_old = splits[0, j]
        n_new = width - n_old
        eligible = n_new >= min_length and n_old >= min_length
        if eligible and exact_cut(splits[1, j], splits[2, j], n_old, n_new, min_length, variance, log_term):
            return True
    return False
