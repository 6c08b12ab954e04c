"""One merge of two sorted samples: the KS gaps and the L1/L2 integrals of their ECDF difference.

Walking the pooled values of two sorted samples in order gives, at the end of every run of equal
pooled values ``x``, both right-continuous ECDFs ``F_reference(x) = i / n`` and ``F_current(x) = j / m``
from the two cursors. One ``O(n + m)`` pass therefore yields

* the largest gap ``F_reference - F_current`` and the largest gap ``F_current - F_reference``, each
  with the first value where it occurs (Kolmogorov-Smirnov);
* ``integral |F_reference - F_current| dx`` and ``integral (F_reference - F_current)^2 dx`` over the
  intervals between consecutive distinct pooled values (Wasserstein-1 and energy distance).

Gaps are carried as the exact integers ``i m - j n`` and divided by ``n m`` once, so the KS statistic
is the correctly rounded value of the true rational gap (``scipy.stats.ks_2samp``, which subtracts two
rounded quotients, can differ in the last bit); the integrals are summed with Neumaier's compensated
summation (numba) or numpy's pairwise summation.

With numba installed the pass runs :func:`merge_pass_loop` compiled (through
:mod:`aumos_drift_detector.core.compilation`: no temporaries, the GIL released, about 10 ns per
value). Without it, with ``AUMOS_DRIFT_NO_JIT`` set, or for samples of fewer than
:data:`COMPILED_FROM` pooled values, :func:`merge_pass_numpy` does the same with one ``searchsorted``
of the current values into the reference, which fixes the pooled order, and running counts along it:
on small samples it takes well under a millisecond, where a process's first compiled call loads numba
(about a second), so a small ``aumos-drift check`` never pays for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from aumos_drift_detector.core.compilation import jit_disabled, kernel
from aumos_drift_detector.core.statistical.samples import FloatArray

#: Fewest pooled values (reference plus current) merged by the compiled loop; smaller samples take numpy's path.
COMPILED_FROM: Final[int] = 100_000


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What one merged pass over two sorted samples measures.

    Attributes:
        above: Largest ``F_reference - F_current`` over the pooled values (at least 0).
        above_at: First pooled value where ``above`` occurs.
        below: Largest ``F_current - F_reference`` over the pooled values (at least 0).
        below_at: First pooled value where ``below`` occurs.
        l1: ``integral |F_reference - F_current| dx`` (NaN when not computed or not finite).
        l2: ``integral (F_reference - F_current)^2 dx`` (NaN when not computed or not finite).
    """

    above: float
    above_at: float
    below: float
    below_at: float
    l1: float
    l2: float

    @property
    def ks(self) -> tuple[float, float]:
        """The KS statistic and its location (the ``above`` side wins ties)."""
        if self.below > self.above:
            return self.below, self.below_at
        return self.above, self.above_at


def merge_pass(reference_sorted: FloatArray, current_sorted: FloatArray, *, integrals: bool = True) -> MergeResult:
    """Merge two sorted samples once and measure their ECDF gaps (compiled when numba is available).

    Args:
        reference_sorted: Reference values sorted ascending, no NaN, at least one value.
        current_sorted: Current values sorted ascending, no NaN, at least one value.
        integrals: Whether to compute ``l1`` and ``l2`` (finite samples only); KS alone skips them.

    Returns:
        The gaps and integrals (:class:`MergeResult`).

    Example:
        >>> result = merge_pass(np.array([0.0, 1.0]), np.array([2.0]))
        >>> result.ks, result.l1
        ((1.0, 1.0), 1.5)
    """
    if reference_sorted.size + current_sorted.size < COMPILED_FROM or jit_disabled():
        return merge_pass_numpy(reference_sorted, current_sorted, integrals=integrals)
    reference = np.ascontiguousarray(reference_sorted, dtype=np.float64)
    current = np.ascontiguousarray(current_sorted, dtype=np.float64)
    top, top_at, bottom, bottom_at, l1, l2 = merge_pass_kernel(reference, current, integrals)
    return _result(reference.size, current.size, top, top_at, bottom, bottom_at, l1, l2, integrals)


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


merge_pass_kernel = kernel(merge_pass_loop)
"""The compiled :func:`merge_pass_loop` (plain Python when compilation is off)."""


def merge_pass_numpy(
    reference_sorted: FloatArray, current_sorted: FloatArray, *, integrals: bool = True
) -> MergeResult:
    """The numpy form of :func:`merge_pass`, equal to it in every gap and location.

    ``r_j = #(reference <= current[j])`` places ``current[j]`` at position ``j + r_j`` of the pooled
    order (reference values first among ties); the ECDF numerators are running counts along that
    order, read at the last element of each run of equal pooled values.
    """
    n, m = reference_sorted.size, current_sorted.size
    size = n + m
    from_current = np.zeros(size, dtype=np.bool_)
    from_current[np.searchsorted(reference_sorted, current_sorted, side="right") + np.arange(m)] = True
    pooled = np.empty(size, dtype=np.float64)
    pooled[from_current] = current_sorted
    pooled[~from_current] = reference_sorted
    current_count = np.cumsum(from_current, dtype=np.int64)
    del from_current
    numerators = np.arange(1, size + 1, dtype=np.int64) - current_count  # reference count
    numerators *= m
    current_count *= n
    numerators -= current_count
    del current_count
    run_end = np.ones(size, dtype=np.bool_)
    np.not_equal(pooled[1:], pooled[:-1], out=run_end[:-1])
    ends = np.flatnonzero(run_end)
    at_ends = numerators[ends]
    i_top, i_bottom = int(np.argmax(at_ends)), int(np.argmin(at_ends))
    l1 = l2 = math.nan
    if integrals:
        sizes = np.abs(numerators[:-1]).astype(np.float64)
        with np.errstate(invalid="ignore"):  # infinite values: NaN widths, reported as a NaN integral
            widths = np.diff(pooled)
            l1 = float(np.sum(sizes * widths))
            l2 = float(np.sum(sizes * sizes * widths))
    return _result(
        n, m, int(at_ends[i_top]), float(pooled[ends[i_top]]), int(at_ends[i_bottom]), float(pooled[ends[i_bottom]]),
        l1, l2, integrals,
    )  # fmt: skip


def _result(
    n: int, m: int, top: int, top_at: float, bottom: int, bottom_at: float, l1: float, l2: float, integrals: bool
) -> MergeResult:
    scale = float(n) * float(m)
    if top <= 0:
        top = 0
    if bottom >= 0:
        bottom = 0
    return MergeResult(
        above=int(top) / scale,
        above_at=float(top_at),
        below=-int(bottom) / scale,
        below_at=float(bottom_at),
        l1=_finite(l1 / scale) if integrals else math.nan,
        l2=_finite(l2 / scale / scale) if integrals else math.nan,
    )


def _finite(value: float) -> float:
    """An integral over infinite widths has no meaning: NaN instead of inf."""
    return float(value) if math.isfinite(value) else math.nan
