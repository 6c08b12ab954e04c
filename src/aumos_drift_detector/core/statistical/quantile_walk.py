"""The first Wasserstein distance of two sorted samples, walked along their quantile functions.

In one dimension ``W1 = integral |F_reference(x) - F_current(x)| dx`` equals
``integral_0^1 |Q_reference(u) - Q_current(u)| du``. The quantile function of a sorted sample of size
``n`` is the step function ``Q(u) = values[i]`` on ``(i / n, (i + 1) / n]``, so on the grid of the
integers ``u n m`` the two step functions change at the multiples of ``m`` (reference) and of ``n``
(current). Between consecutive change points both are constant, and W1 is the sum of
``width * |reference[i] - current[j]|`` over at most ``n + m - 1`` such intervals.

The change points depend on ``n`` and ``m`` only, never on the values, so the walk is a loop whose
branches the processor predicts (the merge of :mod:`.merge_pass` follows the order of the values and
mispredicts about every other step): at a million values per sample it takes a sixth to a fifth of
the merge's time (2 to 3 ms against 13 to 15 ms). The engine uses it for the effect size of features
whose test does not merge the samples anyway. The terms are non-negative; they are summed plainly in
blocks of 512 and the block sums with Neumaier's compensation, a relative error below ``1e-13``.

With ``AUMOS_DRIFT_NO_JIT`` set, or without numba, the numpy form of the merge gives the same
distance (:func:`.merge_pass.merge_pass_numpy`).
"""

from __future__ import annotations

from aumos_drift_detector.core.compilation import jit_disabled, kernel
from aumos_drift_detector.core.statistical.merge_pass import merge_pass_numpy
from aumos_drift_detector.core.statistical.samples import FloatArray

BLOCK = 512
"""Terms summed plainly before their block sum joins the compensated total."""


def quantile_walk_distance(reference_sorted: FloatArray, current_sorted: FloatArray) -> float:
    """``W1`` between two sorted samples, what ``scipy.stats.wasserstein_distance`` gives.

    Args:
        reference_sorted: Finite reference values sorted ascending, at least one.
        current_sorted: Finite current values sorted ascending, at least one.

    Returns:
        The first Wasserstein distance.

    Example:
        >>> import numpy as np
        >>> quantile_walk_distance(np.array([0.0, 1.0]), np.array([2.0]))
        1.5
    """
    if jit_disabled():
        return merge_pass_numpy(reference_sorted, current_sorted).l1
    total = quantile_walk_kernel(reference_sorted, current_sorted)
    return float(total) / (float(reference_sorted.size) * float(current_sorted.size))


def quantile_walk_loop(reference: FloatArray, current: FloatArray) -> float:
    """``n m W1``: the walk along both quantile functions (see the module docstring).

    ``upper_reference = (i + 1) m`` and ``upper_current = (j + 1) n`` are the right ends of the
    intervals on which ``reference[i]`` and ``current[j]`` are the quantiles; the next change point is
    the smaller one, and the sample (or both samples) whose interval ends there steps on.

    Example:
        >>> import numpy as np
        >>> float(quantile_walk_loop(np.array([0.0, 1.0]), np.array([2.0])))  # |0 - 2| + |1 - 2| on (0, 1], (1, 2]
        3.0
    """
    n, m = reference.size, current.size
    i = j = 0
    upper_reference, upper_current, lower = m, n, 0
    total = carry = block = 0.0
    in_block = 0
    while i < n and j < m:
        upper = min(upper_reference, upper_current)
        block += (upper - lower) * abs(reference[i] - current[j])
        lower = upper
        step_reference, step_current = upper_reference <= upper_current, upper_current <= upper_reference
        i += step_reference
        j += step_current
        upper_reference += m * step_reference
        upper_current += n * step_current
        in_block += 1
        if in_block == BLOCK:
            summed = total + block
            carry += (total - summed) + block if total >= block else (block - summed) + total
            total, block, in_block = summed, 0.0, 0
    summed = total + block
    carry += (total - summed) + block if total >= block else (block - summed) + total
    return summed + carry


quantile_walk_kernel = kernel(quantile_walk_loop)
"""The compiled :func:`quantile_walk_loop` (plain Python when compilation is off)."""
