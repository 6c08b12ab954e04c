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

The cut search, and the proof that lets a tick skip it, are in :mod:`.adwin_cut`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import inline_kernel, kernel
from aumos_drift_detector.core.concept.adwin_cut import (
    SEGMENTS,
    SKIP_HORIZON,
    cut_found,
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
def _merge_full_levels(
    totals: FloatArray,
    variances: FloatArray,
    counts: IntArray,
    heads: IntArray,
    clock_state: IntArray,
    max_buckets: int,
) -> None:
    """Merge the two oldest buckets of every level holding ``max_buckets + 1``, from level 0 upwards."""
    mask = totals.shape[1] - 1
    level = 0
    while counts[level] == max_buckets + 1:
        size = float(1 << level)
        inverse = 1.0 / size
        first, second = heads[level], (heads[level] + 1) & mask
        mean_first = totals[level, first] * inverse
        mean_second = totals[level, second] * inverse
        merged_total = totals[level, first] + totals[level, second]
        spread = size * 0.5 * (mean_first - mean_second) * (mean_first - mean_second)
        merged_variance = variances[level, first] + variances[level, second] + spread
        heads[level] = (first + 2) & mask
        counts[level] -= 2
        if level + 1 >= clock_state[1]:
            clock_state[1] = level + 2
        upper = counts[level + 1]
        slot = (heads[level + 1] + upper) & mask
        totals[level + 1, slot] = merged_total
        variances[level + 1, slot] = merged_variance
        counts[level + 1] = upper + 1
        if upper + 1 <= max_buckets:
            break
        level += 1


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
    a cut plans which of the next ticks provably have none (see :mod:`.adwin_cut`); for those the
    search is skipped, using the running sum of the added values about the planned window's mean and
    its range over each segment of ``clock // SEGMENTS`` values.
    """
    size = values.shape[0]
    drift_flags = np.zeros(size, dtype=np.bool_)
    change_start = np.full(size, -1, dtype=np.int64)
    delta, min_length, grace, max_buckets = params[0], params[1], params[2], int(params[3])
    mask = totals.shape[1] - 1
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
    for i in range(size):
        if drift and reset_on_drift:
            counts[:] = 0
            heads[:] = 0
            planned, segment, segment_left = 0, 0, min(segment_size, clock)
            total, variance, width = 0.0, 0.0, 0.0
            tick, clock_state[1], countdown = 0, 1, clock
        value = values[i]
        slot = (heads[0] + counts[0]) & mask
        totals[0, slot] = value
        variances[0, slot] = 0.0
        counts[0] += 1
        width += 1.0
        if width > 1.0:
            deviation = value - total / (width - 1.0)
            variance += (width - 1.0) * deviation * deviation / width
        total += value
        drift_sum += value - center
        low = min(low, drift_sum)
        high = max(high, drift_sum)
        segment_left -= 1
        if segment_left == 0:  # close a segment: record its range of running sums
            slot = min(since + 1, SKIP_HORIZON + 1) * SEGMENTS + segment
            if can_skip:
                ranges[0, slot], ranges[1, slot] = low, high
            low, high = drift_sum, drift_sum
            segment += 1
            segment_left = min(segment_size, clock - segment * segment_size)
        if counts[0] == max_buckets + 1:
            _merge_full_levels(totals, variances, counts, heads, clock_state, max_buckets)
        tick += 1
        countdown -= 1
        drift = False
        if countdown == 0:
            countdown = clock
            since += 1
            segment, segment_left = 0, min(segment_size, clock)
            if since <= planned and skip_proven(plan, ranges, since, clock, width, drift_sum):
                continue
            planned = 0
            if width > grace:
                window[0], window[1], window[2] = total, variance, width
                while cut_found(totals, counts, heads, window, clock_state[1], delta, min_length, splits):
                    drift = True
                    _delete_oldest_bucket(totals, variances, counts, heads, window, clock_state)
                total, variance, width = window[0], window[1], window[2]
                if can_skip and width >= max(2.0, float(SKIP_HORIZON * clock)):
                    m = int(counts[: clock_state[1]].sum())
                    planned = plan_skips(splits, m, window, min_length, delta, clock, plan)
                    since, center, drift_sum, low, high = 0, total / width, 0.0, 0.0, 0.0
        if drift:
            drift_flags[i] = True
            change_start[i] = seen + i + 1 - int(width)
    window[0], window[1], window[2] = total, variance, width
    clock_state[0] = tick
    return drift_flags, change_start
