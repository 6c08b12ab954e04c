"""Counting unsorted values into fixed bins and their moments in one compiled pass (no sort).

A value ``x`` belongs to bin ``j``, the number of edges ``<= x``: the bins are ``(-inf, e_1), [e_1, e_2),
..., [e_k, +inf]``. Sorting every value of a batch to look the edges up in it costs about 55 ns a value on
these machines; a binary search per value over 2,000 edges is slower still (cache misses and mispredicted
branches). The kernel instead looks ``x`` up in a table of :data:`BUCKETS` equal-width buckets spanning
``[e_1, e_k]`` (in value, or in the floats' ordered bit patterns for edges spanning orders of magnitude),
each holding the range of edge indices its values can have, and binary-searches that short
range; two correction loops then make the result exact whatever the rounding of the bucket arithmetic
(a value near a bucket boundary may land in the neighbouring bucket). The moments of the finite values
accumulate in the same pass. ``NaN`` is missing.

The counts equal the sort-based counts exactly (the tests check it on every kind of edge case); the sums
differ from a sorted summation in the last bits only.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import kernel

#: Equal-width buckets of the lookup table between the first and the last edge.
BUCKETS: Final[int] = 8192

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def ordered_keys(values: FloatArray) -> npt.NDArray[np.int64]:
    """Integers in the order of the floats (``-0.0`` just below ``0.0``): the bit pattern, negatives flipped.

    Example:
        >>> keys = ordered_keys(np.array([-2.0, -0.5, 0.0, 1e-300, 3.0]))
        >>> bool(np.all(np.diff(keys) > 0))
        True
    """
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
    return np.where(bits < 0, bits ^ np.int64(0x7FFFFFFFFFFFFFFF), bits)


def _table(edges: FloatArray, positions: FloatArray) -> tuple[IntArray, float, float]:
    """Equal-width buckets over ``positions`` (the edges placed on some monotone scale)."""
    low, high = float(positions[0]), float(positions[-1])
    span = high - low
    scale = BUCKETS / span if np.isfinite(span) and span > 0 else 0.0
    boundaries = low + np.arange(BUCKETS + 1, dtype=np.float64) * (span / BUCKETS if scale else 0.0)
    starts = np.searchsorted(positions, boundaries, side="right").astype(np.int64)
    starts[-1] = edges.size
    return starts, low, scale


def bucket_starts(edges: FloatArray) -> tuple[IntArray, float, float, bool]:
    """The lookup table: for each bucket boundary, the number of edges below or at it; origin, scale and scale kind.

    Buckets are equal-width in value, or, when that crowds the edges into a few buckets (heavy tails: edges
    spanning orders of magnitude), equal-width in :func:`ordered_keys` space, which is close to logarithmic;
    whichever puts fewer edges in its fullest bucket.

    Returns:
        ``(starts, origin, scale, by_key)``: ``starts`` has :data:`BUCKETS` + 1 entries; a value ``x`` lies in
        bucket ``floor((p(x) - origin) * scale)``, ``p`` the identity or the ordered key.
    """
    linear = _table(edges, edges)
    keyed = _table(edges, ordered_keys(edges).astype(np.float64))
    crowded = int(np.max(np.diff(linear[0]))), int(np.max(np.diff(keyed[0])))
    if crowded[1] < crowded[0]:
        return (*keyed, True)
    return (*linear, False)


@kernel
def count_and_moments(
    values: FloatArray, edges: FloatArray, starts: IntArray, origin: float, scale: float, by_key: bool
) -> tuple[IntArray, FloatArray]:  # pragma: no cover - compiled; its plain form runs under AUMOS_DRIFT_NO_JIT
    """Bin counts (``len(edges) + 1``) and ``[missing, count, total, squares, minimum, maximum]`` of ``values``.

    ``values`` contiguous; ``edges`` sorted ascending, finite and non-empty; the table from :func:`bucket_starts`.
    """
    k = edges.size
    buckets = starts.size - 1
    bits = values.view(np.int64)
    counts = np.zeros(k + 1, dtype=np.int64)
    stats = np.array([0.0, 0.0, 0.0, 0.0, np.inf, -np.inf])
    for i in range(values.size):
        x = values[i]
        if x != x:
            stats[0] += 1.0
            continue
        if x < edges[0]:
            j = 0
        elif x >= edges[k - 1]:
            j = k
        else:
            if by_key:
                key = bits[i] ^ 0x7FFFFFFFFFFFFFFF if bits[i] < 0 else bits[i]
                b = int((float(key) - origin) * scale)
            else:
                b = int((x - origin) * scale)
            b = min(max(b, 0), buckets - 1)
            lo, hi = starts[b], starts[b + 1]
            while lo < hi:  # the number of edges <= x within [starts[b], starts[b + 1]]
                middle = (lo + hi) // 2
                if edges[middle] <= x:
                    lo = middle + 1
                else:
                    hi = middle
            j = lo
            while j > 0 and edges[j - 1] > x:
                j -= 1
            while j < k and edges[j] <= x:
                j += 1
        counts[j] += 1
        if -np.inf < x < np.inf:
            stats[1] += 1.0
            stats[2] += x
            stats[3] += x * x
            stats[4] = min(stats[4], x)
            stats[5] = max(stats[5], x)
    return counts, stats
