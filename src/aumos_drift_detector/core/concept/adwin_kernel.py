"""The compiled core of ADWIN: exponential-histogram buckets, insertion and compression.

The window is summarised as levels of buckets: level ``i`` holds up to ``max_buckets`` buckets of
``2**i`` values each (a total and a variance per bucket). A new value enters level 0; when a level
holds ``max_buckets + 1`` buckets its two oldest merge into one bucket of the next level. The
arithmetic (operation order included) matches River 0.26.1 so results are bit-identical; dividing by
a bucket size, a power of two, is done as the (equally exact) product with its reciprocal.

Each level is a ring buffer, so merging and dropping never shift buckets. State lives in arrays the
kernels update in place:

* ``totals``/``variances``: shape ``(MAX_LEVELS, capacity)``, ``capacity`` a power of two above
  ``max_buckets``; bucket ``k`` of a level (oldest first) sits at slot ``(heads[level] + k) & (capacity - 1)``;
* ``counts``/``heads``: buckets per level and slot of each level's oldest bucket (int64, ``MAX_LEVELS``);
* ``window``: ``[total, variance, width]`` (float64; ``variance`` is the unnormalised sum of squares);
* ``clock_state``: ``[tick, n_levels]`` (int64).

Within a batch, level 0 is not written per value: its buckets are always the last ``counts[0]``
values inserted, so :func:`run_adwin` keeps only their count and merges the two oldest straight
from the input array (or from the ring, for values of an earlier batch), with River's operations on
size-1 buckets. The ring of level 0 is written before each cut search and at the end of the batch.

The cut search is in :mod:`.adwin_cut`, and the proof that lets a tick skip it in :mod:`.adwin_skip`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import inline_kernel, kernel
from aumos_drift_detector.core.concept.adwin_cut import cut_found
from aumos_drift_detector.core.concept.adwin_skip import (
    SEGMENTS,
    SKIP_HORIZON,
    plan_skips,
    segment_length,
    shortest_roots,
    skip_proven,
)

MAX_LEVELS = 64

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def ring_capacity(max_buckets: int) -> int:
    """Slots per level: the smallest power of two that holds ``max_buckets + 1`` buckets.

    Example:
        >>> ring_capacity(5)
        8
    """
    return 1 << max_buckets.bit_length()


@inline_kernel
def _push_bucket(
    totals: FloatArray,
    variances: FloatArray,
    counts: IntArray,
    heads: IntArray,
    clock_state: IntArray,
    max_buckets: int,
    level: int,
    total: float,
    variance: float,
) -> None:
    """Append a bucket to ``level`` (>= 1); while a level holds ``max_buckets + 1``, merge its two oldest upwards."""
    mask = totals.shape[1] - 1
    while True:
        if level >= clock_state[1]:
            clock_state[1] = level + 1
        upper = counts[level]
        slot = (heads[level] + upper) & mask
        totals[level, slot] = total
        variances[level, slot] = variance
        counts[level] = upper + 1
        if upper + 1 <= max_buckets:
            return
        size = float(1 << level)
        inverse = 1.0 / size
        first, second = heads[level], (heads[level] + 1) & mask
        mean_first = totals[level, first] * inverse
        mean_second = totals[level, second] * inverse
        total = totals[level, first] + totals[level, second]
        spread = size * 0.5 * (mean_first - mean_second) * (mean_first - mean_second)
        variance = variances[level, first] + variances[level, second] + spread
        heads[level] = (first + 2) & mask
        counts[level] -= 2
        level += 1


@inline_kernel
def _store_level0(
    values: FloatArray,
    totals: FloatArray,
    variances: FloatArray,
    counts: IntArray,
    heads: IntArray,
    base: int,
    last: int,
    n0: int,
) -> None:
    """Write level 0, the last ``n0`` values up to batch position ``last``, to its ring (slot ``base + position``)."""
    mask = totals.shape[1] - 1
    first = last - n0 + 1
    for position in range(max(first, 0), last + 1):
        slot = (base + position) & mask
        totals[0, slot] = values[position]
        variances[0, slot] = 0.0
    heads[0] = (base + first) & mask
    counts[0] = n0


@inline_kernel
def _delete_oldest_bucket(
    totals: FloatArray,
    variances: FloatArray,
    counts: IntArray,
    heads: IntArray,
    window: FloatArray,
    clock_state: IntArray,
) -> None:
    mask = totals.shape[1] - 1
    last = clock_state[1] - 1
    size = float(1 << last)
    oldest = heads[last]
    bucket_total = totals[last, oldest]
    bucket_mean = bucket_total * (1.0 / size)
    window[2] -= size
    window[0] -= bucket_total
    width = window[2]
    rest_mean = window[0] / width
    spread = size * width * (bucket_mean - rest_mean) * (bucket_mean - rest_mean) / (size + width)
    window[1] -= variances[last, oldest] + spread
    heads[last] = (oldest + 1) & mask
    counts[last] -= 1
    while clock_state[1] > 1 and counts[clock_state[1] - 1] == 0:
        clock_state[1] -= 1


@kernel
def run_adwin(
    values: FloatArray,
    totals: FloatArray,
    variances: FloatArray,
    counts: IntArray,
    heads: IntArray,
    window: FloatArray,
    clock_state: IntArray,
    params: FloatArray,
    clock: int,
    reset_on_drift: bool,
    seen: int,
) -> tuple[npt.NDArray[np.bool_], IntArray]:
    """Feed ``values`` to ADWIN; return the drift flag and change-start estimate of each value.

    ``params`` is ``[delta, min_window_length, grace_period, max_buckets]``; ``seen`` is the stream
    index of the first value. After a drift inside the batch the next value first resets
    (``reset_on_drift``) or keeps the shrunken window. The window sums live in locals between clock
    ticks and go back to ``window`` for each search and at the end. Within a batch, a search without
    a cut plans which of the next ticks provably have none (see :mod:`.adwin_skip`); for those the
    search is skipped, using the running sum of the added values about the planned window's mean and
    its range over each segment of ``clock // SEGMENTS`` values.

    One loop on purpose: the window sums, the clock and the skip plan stay in local variables between ticks,
    which a split into functions would write back to arrays for every run of values (the cut search and the
    skip proof, which need no such locals, are separate).
    """
    size = values.shape[0]
    mask = totals.shape[1] - 1
    drift_flags = np.zeros(size, dtype=np.bool_)
    change_start = np.full(size, -1, dtype=np.int64)
    delta, min_length, grace, max_buckets = params[0], params[1], params[2], int(params[3])
    splits = np.empty((3, totals.size), dtype=np.float64)
    total, variance, width = window[0], window[1], window[2]
    tick = clock_state[0]
    countdown = clock - tick % clock
    drift = False
    can_skip = size > 2 * clock  # a plan outlives neither the batch nor a per-value call's single tick
    slots = (SKIP_HORIZON + 2) * SEGMENTS if can_skip else 1
    plan = np.empty((4, slots), dtype=np.float64)
    ranges = np.empty((2, slots), dtype=np.float64)
    if can_skip:
        shortest_roots(plan, clock, min_length)
    since, planned = 0, 0  # ticks since the last search, and how many of them its plan may skip
    center, drift_sum, low, high = 0.0, 0.0, 0.0, 0.0  # added values' running sum about ``center`` and its range
    segment_size = segment_length(clock)
    segment, segment_left = 0, min(segment_size, countdown)
    n0 = int(counts[0])  # level 0 holds the last ``n0`` values; its ring is written only when read
    base = int(heads[0]) + n0  # ring slot of batch position 0 (slot of position p: (base + p) & mask)
    i = 0  # values before ``i`` are in; each pass inserts a run that ends at a segment end or a tick
    while i < size:
        if drift and reset_on_drift:
            counts[:] = 0
            heads[:] = 0
            planned, segment, segment_left = 0, 0, min(segment_size, clock)
            total, variance, width = 0.0, 0.0, 0.0
            tick, clock_state[1], countdown = 0, 1, clock
            n0, base = 0, -i
        drift = False
        stop = min(size, i + (min(segment_left, countdown) if segment_left > 0 else countdown))
        for j in range(i, stop):
            value = values[j]
            n0 += 1
            width += 1.0
            if width > 1.0:
                deviation = value - total / (width - 1.0)
                variance += (width - 1.0) * deviation * deviation / width
            total += value
            drift_sum += value - center
            low = min(low, drift_sum)
            high = max(high, drift_sum)
            if n0 == max_buckets + 1:  # merge the two oldest level-0 buckets (size 1: means are totals, variances 0)
                oldest = j - max_buckets  # batch position of the oldest level-0 bucket (negative: in the ring)
                if oldest >= 0:
                    mean_first, mean_second = values[oldest] * 1.0, values[oldest + 1] * 1.0
                else:
                    mean_first = totals[0, (base + oldest) & mask] * 1.0
                    mean_second = (values[0] if oldest == -1 else totals[0, (base + oldest + 1) & mask]) * 1.0
                spread = 1.0 * 0.5 * (mean_first - mean_second) * (mean_first - mean_second)
                n0 -= 2
                merged = mean_first + mean_second
                _push_bucket(totals, variances, counts, heads, clock_state, max_buckets, 1, merged, 0.0 + 0.0 + spread)
        tick += stop - i
        countdown -= stop - i
        segment_left -= stop - i
        i = stop
        if segment_left == 0:  # close a segment: record its range of running sums
            slot = min(since + 1, SKIP_HORIZON + 1) * SEGMENTS + segment
            if can_skip:
                ranges[0, slot], ranges[1, slot] = low, high
            low, high = drift_sum, drift_sum
            segment += 1
            segment_left = min(segment_size, clock - segment * segment_size)
        if countdown == 0:
            countdown = clock
            since += 1
            segment, segment_left = 0, min(segment_size, clock)
            if since <= planned and skip_proven(plan, ranges, since, clock, width, drift_sum):
                continue
            planned = 0
            if width > grace:
                window[0], window[1], window[2] = total, variance, width
                _store_level0(values, totals, variances, counts, heads, base, i - 1, n0)
                while cut_found(totals, counts, heads, window, clock_state[1], delta, min_length, splits):
                    drift = True
                    _delete_oldest_bucket(totals, variances, counts, heads, window, clock_state)
                total, variance, width = window[0], window[1], window[2]
                n0, base = int(counts[0]), int(heads[0]) - i + int(counts[0])
                if can_skip and width >= max(2.0, float(SKIP_HORIZON * clock)):
                    m = int(counts[: clock_state[1]].sum())
                    planned = plan_skips(splits, m, window, min_length, delta, clock, plan)
                    since, center, drift_sum, low, high = 0, total / width, 0.0, 0.0, 0.0
            if drift:
                drift_flags[i - 1] = True
                change_start[i - 1] = seen + i - int(width)
    window[0], window[1], window[2] = total, variance, width
    _store_level0(values, totals, variances, counts, heads, base, size - 1, n0)
    clock_state[0] = tick
    return drift_flags, change_start
