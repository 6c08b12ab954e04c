r"""ADWIN's search skipping: proving, after a search without a cut, that the next ticks have none.

After a search that found no cut, :func:`plan_skips` proves (same multiplied-out
form, same margins, pads for every rounding step of River's sums) that the next ``SKIP_HORIZON``
ticks have no cut at any split point that existed at the search, as long as the sum of the values
added since stays within a budget. At each of those ticks :func:`skip_proven` checks that budget and
bounds the split points inside the added values from the range of their running sums; when either
check is unsure the full search runs, so answers stay River's.

The proof uses the screen's multiplied-out form of River's test (:mod:`.adwin_cut`); every margin
and pad is named below.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import inline_kernel
from aumos_drift_detector.core.concept.adwin_cut import ROUNDING_PAD

FloatArray = npt.NDArray[np.float64]


SKIP_HORIZON = 8
"""Clock ticks after a search without a cut that :func:`plan_skips` tries to prove free of cuts."""
SEGMENTS = 4
"""Segments per ``clock`` values whose running-sum ranges :func:`skip_proven` bounds separately."""
SKIP_MARGIN = 1e-6
"""Relative margin below River's threshold that a skipped tick keeps (as the screen does)."""
SUM_PAD = 1e-14
"""Pad per rounding step, relative to a bound on the magnitudes summed, between River's sums and the bound's."""
ROUNDING = 8.0 * 2.0**-52
"""Relative bound on the rounding of one of River's divisions or of the window mean, with room to spare."""
BUDGET_SPREAD = 3.0
"""The plan allows the added values' sum to drift ``BUDGET_SPREAD`` standard deviations times ``sqrt(k)``."""


@inline_kernel
def segment_length(clock: int) -> int:
    """Values per segment: ``SEGMENTS`` segments (the last ones possibly short or empty) cover ``clock`` values."""
    return (clock + SEGMENTS - 1) // SEGMENTS


@inline_kernel
def shortest_roots(plan: FloatArray, clock: int, min_length: float) -> None:
    """Write to ``plan[1, d * SEGMENTS + s]`` the root of the shortest eligible newer part starting in that segment.

    That is segment ``s`` of the ``clock`` values added ``d`` blocks before the current tick.
    """
    segment = segment_length(clock)
    for d in range(SKIP_HORIZON):
        for s in range(SEGMENTS):
            shortest = max(min_length, float(d * clock + clock - min((s + 1) * segment, clock)))
            plan[1, d * SEGMENTS + s] = math.sqrt(shortest)


@inline_kernel
def plan_skips(
    splits: FloatArray, m: int, window: FloatArray, min_length: float, delta: float, clock: int, plan: FloatArray
) -> int:
    r"""Prove the ticks after a search of ``window`` without a cut free of cuts, given checks; return how many.

    ``splits`` holds the search's ``m`` split points (the last is the whole window). Until the next cut
    every split point either existed at this search, with the same older part and a newer part grown
    by the ``k`` values added since, or lies inside the added values. With :math:`c_0` the window
    mean and :math:`E` the added sum minus :math:`k c_0`, an old split point's gap after ``k`` values is
    :math:`(\delta_0 (W + k) - E) / (n_1 + k)` with :math:`\delta_0` the older part's mean minus
    :math:`c_0`; :func:`_holds_at` checks that no such gap reaches River's threshold (bounded below with
    the variance and log term of this window) while :math:`|E|` stays within ``plan[0, c]``. Split
    points inside the added values are left to :func:`skip_proven` with the bounds ``plan[2]``;
    ``plan[3, 0]`` pads rounding while the running sums stay within ``plan[3, 1]``. ``plan[1]`` must
    hold the square roots of the shortest newer parts (see :func:`shortest_roots`).
    """
    reach = float(SKIP_HORIZON * clock)
    total, width = window[0], window[2]
    center = total / width
    log_term = math.log(2.0 * math.log(width) / delta)  # River's log term only grows with the width
    squares = max(window[1], 0.0)  # River's running sum of squares can round below zero
    spread = math.sqrt(squares / width)
    magnitude = 2.0 * abs(total) + 4.0 * math.sqrt(width * squares) + reach * (abs(center) + spread)
    if not magnitude < 1e30:
        return 0
    pad = SUM_PAD * (m + reach + 64.0) * 102.0 * magnitude
    plan[3, 0], plan[3, 1] = pad, magnitude
    lowest = window[1] / (width + reach)  # River's variance cannot fall below this before the next cut
    root = math.sqrt(2.0 * max(lowest, 0.0) * log_term)
    for i in range(SKIP_HORIZON * SEGMENTS):
        plan[2, i] = (root * plan[1, i] + 2.0 / 3.0 * log_term) * (1.0 - SKIP_MARGIN) - 8.0 * pad
    _linearise(splits, m, width, center, pad)
    for c in range(1, SKIP_HORIZON + 1):
        k = float(c * clock)
        plan[0, c] = BUDGET_SPREAD * spread * math.sqrt(k) + pad
        budget = plan[0, c] * (1.0 + ROUNDING)
        if not _holds_at(splits, m, width, k, budget, min_length, window[1] / (width + k), log_term):
            return c - 1
    return SKIP_HORIZON


@inline_kernel
def _linearise(splits: FloatArray, m: int, width: float, center: float, pad: float) -> None:
    r"""Overwrite rows 1 and 2 of ``splits`` with ``base`` and ``slope`` of the gap bound :math:`X(k)`.

    :math:`X(k) = \text{base} + k\,\text{slope} + n_0 B` bounds :math:`n_0 (n_1 + k)` times River's gap at an
    old split point after ``k`` added values whose sum minus ``k * center`` is at most :math:`B` in size: the exact
    :math:`|S_0 - n_0 c_0| (W + k) + n_0 |E|`, plus River's rounding of its sums (``pad`` each) and of
    its two divisions and of the window mean (``ROUNDING`` relative). Call :func:`_holds_at` with
    ``budget * (1 + ROUNDING)``.
    """
    for j in range(m):
        n_old, sum_old, sum_new = splits[0, j], splits[1, j], splits[2, j]
        n_new = width - n_old
        scale_old = abs(sum_old) + n_old * abs(center)
        deviation = abs(sum_old - n_old * center) + ROUNDING * scale_old
        splits[1, j] = (
            deviation * width
            + 3.0 * pad * width
            + ROUNDING * (abs(sum_old) * n_new + (abs(sum_new) + width * abs(center)) * n_old)
        )
        splits[2, j] = deviation + 3.0 * pad + ROUNDING * scale_old


@inline_kernel
def _holds_at(
    splits: FloatArray,
    m: int,
    width: float,
    k: float,
    budget: float,
    min_length: float,
    variance: float,
    log_term: float,
) -> bool:
    r"""Whether :math:`X(k) \le n_0 n_g \varepsilon` at every eligible old split point (see :func:`_linearise`).

    :math:`n_g = n_1 + k`; :math:`\varepsilon` is River's threshold at :math:`(n_0, n_g)` with ``variance``,
    multiplied out and squared as in :func:`_unscreened` (branch-free).
    """
    linear_factor = (1.0 - SKIP_MARGIN) * (2.0 / 3.0) * log_term
    square_factor = (1.0 - SKIP_MARGIN) * (1.0 - SKIP_MARGIN) * 2.0 * variance * log_term
    failures = 0
    for j in range(m):
        n_old = splits[0, j]
        n_grown = width - n_old + k
        x = splits[1, j] + k * splits[2, j] + n_old * budget
        a = n_old - min_length + 1.0
        b = n_grown - min_length + 1.0
        ab = a * b
        a_plus_b = a + b
        p = n_old * n_grown
        lhs = x * ab
        linear = linear_factor * a_plus_b * p
        y = lhs - linear + ROUNDING_PAD * (lhs + abs(linear))
        holds = (y <= 0.0) | (y * y <= square_factor * a_plus_b * ab * p * p)
        eligible = (n_old >= min_length) & (n_grown >= min_length)
        failures += eligible & ~holds
    return failures == 0


@inline_kernel
def skip_proven(plan: FloatArray, ranges: FloatArray, c: int, clock: int, width: float, drift_sum: float) -> bool:
    r"""Whether tick ``c`` after the planned search provably has no cut (``False`` when unsure).

    ``drift_sum`` is the sum of the values added since the planned search minus ``k`` times its window
    mean (``k = c * clock``); ``ranges[0:2, b * SEGMENTS + s]`` are the least and greatest running values
    of that sum over segment ``s`` of the ``b``-th ``clock`` values added (it starts at 0). Old split
    points are covered by the plan while ``|drift_sum|`` stays within ``plan[0, c]``. A split point inside
    the added values has a newer part of :math:`n \ge` ``plan``'s shortest length whose sum about the mean
    is ``drift_sum`` minus a running value; its gap times :math:`n` is at most
    ``(k |drift_sum| + spread * width) / reference_width`` (``spread`` the largest such difference over the
    segment), which must stay below ``plan[2, (c - b) * SEGMENTS + s]``, a bound on River's threshold times
    :math:`n`.
    """
    pad, magnitude_limit = plan[3, 0], plan[3, 1]
    if not abs(drift_sum) + pad <= plan[0, c]:
        return False
    k = float(c * clock)
    reference_width = width - k
    scale = width / reference_width * (1.0 + 1e-12)
    offset = k * (abs(drift_sum) + 2.0 * pad) / reference_width * (1.0 + 1e-12)
    used = (clock + segment_length(clock) - 1) // segment_length(clock)
    for b in range(1, c + 1):
        for s in range(used):
            low, high = ranges[0, b * SEGMENTS + s], ranges[1, b * SEGMENTS + s]
            if not (abs(low) <= magnitude_limit and abs(high) <= magnitude_limit):
                return False
            spread = max(drift_sum - low, high - drift_sum) + 2.0 * pad
            if not offset + spread * scale <= plan[2, (c - b) * SEGMENTS + s]:
                return False
    return True
