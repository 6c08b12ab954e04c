"""The compiled core of ADWIN: exponential-histogram buckets, insertion, compression and cut search.

The window is summarised as levels of buckets: level ``i`` holds up to ``max_buckets`` buckets of
``2**i`` values each (a total and a variance per bucket, oldest first). A new value enters level 0;
when a level holds ``max_buckets + 1`` buckets its two oldest merge into one bucket of the next
level. The arithmetic (operation order included) matches River 0.26.1 so results are bit-identical.

State lives in arrays the kernels update in place:

* ``totals``/``variances``: shape ``(MAX_LEVELS, max_buckets + 1)``;
* ``counts``: buckets per level (int64, ``MAX_LEVELS``);
* ``window``: ``[total, variance, width]`` (float64);
* ``clock_state``: ``[tick, n_levels]`` (int64).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.concept.compiled import inline_kernel, kernel

MAX_LEVELS = 64

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@inline_kernel
def _drop_oldest(totals: FloatArray, variances: FloatArray, counts: IntArray, level: int, how_many: int) -> None:
    remaining = counts[level] - how_many
    for j in range(remaining):
        totals[level, j] = totals[level, j + how_many]
        variances[level, j] = variances[level, j + how_many]
    for j in range(remaining, counts[level]):
        totals[level, j] = 0.0
        variances[level, j] = 0.0
    counts[level] = remaining


@inline_kernel
def _merge_full_levels(totals: FloatArray, variances: FloatArray, counts: IntArray, clock_state: IntArray) -> None:
    """Merge the two oldest buckets of every level holding ``max_buckets + 1``, from level 0 upwards."""
    max_buckets = totals.shape[1] - 1
    level = 0
    while counts[level] == max_buckets + 1:
        size = float(1 << level)
        mean_first = totals[level, 0] / size
        mean_second = totals[level, 1] / size
        merged_total = totals[level, 0] + totals[level, 1]
        spread = size * 0.5 * (mean_first - mean_second) * (mean_first - mean_second)
        merged_variance = variances[level, 0] + variances[level, 1] + spread
        if level + 1 >= clock_state[1]:
            clock_state[1] = level + 2
        totals[level + 1, counts[level + 1]] = merged_total
        variances[level + 1, counts[level + 1]] = merged_variance
        counts[level + 1] += 1
        _drop_oldest(totals, variances, counts, level, 2)
        if counts[level + 1] <= max_buckets:
            break
        level += 1


@inline_kernel
def _delete_oldest_bucket(
    totals: FloatArray, variances: FloatArray, counts: IntArray, window: FloatArray, clock_state: IntArray
) -> None:
    last = clock_state[1] - 1
    size = float(1 << last)
    bucket_total = totals[last, 0]
    bucket_variance = variances[last, 0]
    bucket_mean = bucket_total / size
    window[2] -= size
    window[0] -= bucket_total
    width = window[2]
    rest_mean = window[0] / width
    window[1] -= bucket_variance + size * width * (bucket_mean - rest_mean) * (bucket_mean - rest_mean) / (size + width)
    _drop_oldest(totals, variances, counts, last, 1)
    while clock_state[1] > 1 and counts[clock_state[1] - 1] == 0:
        clock_state[1] -= 1


@inline_kernel
def _cut_found(totals: FloatArray, counts: IntArray, window: FloatArray, n_levels: int, params: FloatArray) -> bool:
    """Scan every cut (oldest buckets first); True at the first where the two sub-window means differ."""
    delta, min_length = params[0], params[1]
    width, total = window[2], window[0]
    log_term = math.log(2.0 * math.log(width) / delta)
    variance_ratio = window[1] / width
    n_old, n_new, sum_old, sum_new = 0.0, width, 0.0, total
    for level in range(n_levels - 1, -1, -1):
        size = float(1 << level)
        count = counts[level]
        for k in range(count):
            n_old += size
            n_new -= size
            sum_old += totals[level, k]
            sum_new -= totals[level, k]
            if level == 0 and k == count - 1:
                return False
            mean_gap = (sum_old / n_old) - (sum_new / n_new)
            if n_new >= min_length and n_old >= min_length:
                harmonic = 1.0 / (n_old - min_length + 1.0) + 1.0 / (n_new - min_length + 1.0)
                epsilon = math.sqrt(2.0 * harmonic * variance_ratio * log_term) + 2.0 / 3.0 * log_term * harmonic
                if abs(mean_gap) > epsilon:
                    return True
    return False


@inline_kernel
def _clear(
    totals: FloatArray, variances: FloatArray, counts: IntArray, window: FloatArray, clock_state: IntArray
) -> None:
    totals[:, :] = 0.0
    variances[:, :] = 0.0
    counts[:] = 0
    window[:] = 0.0
    clock_state[0] = 0
    clock_state[1] = 1


@kernel
def run_adwin(
    values: FloatArray,
    totals: FloatArray,
    variances: FloatArray,
    counts: IntArray,
    window: FloatArray,
    clock_state: IntArray,
    params: FloatArray,
    clock: int,
    reset_on_drift: bool,
    seen: int,
) -> tuple[npt.NDArray[np.bool_], IntArray]:
    """Feed ``values`` to ADWIN; return the drift flag and change-start estimate of each value.

    ``params`` is ``[delta, min_window_length, grace_period]``; ``seen`` is the stream index of the
    first value. After a drift inside the batch the next value first resets (``reset_on_drift``) or
    keeps the shrunken window.
    """
    size = values.shape[0]
    drift_flags = np.zeros(size, dtype=np.bool_)
    change_start = np.full(size, -1, dtype=np.int64)
    grace = params[2]
    max_buckets = totals.shape[1] - 1
    drift = False
    for i in range(size):
        if drift and reset_on_drift:
            _clear(totals, variances, counts, window, clock_state)
        value = values[i]
        totals[0, counts[0]] = value
        variances[0, counts[0]] = 0.0
        counts[0] += 1
        width = window[2] + 1.0
        increment = 0.0
        if width > 1.0:
            deviation = value - window[0] / (width - 1.0)
            increment = (width - 1.0) * deviation * deviation / width
        window[1] += increment
        window[0] += value
        window[2] = width
        if counts[0] == max_buckets + 1:
            _merge_full_levels(totals, variances, counts, clock_state)
        clock_state[0] += 1
        drift = False
        if clock_state[0] % clock == 0 and window[2] > grace:
            while _cut_found(totals, counts, window, clock_state[1], params):
                drift = True
                _delete_oldest_bucket(totals, variances, counts, window, clock_state)
        if drift:
            drift_flags[i] = True
            change_start[i] = seen + i + 1 - int(window[2])
    return drift_flags, change_start
