"""The compiled core of KSWIN: River's random sub-sample and the two-sample KS statistic.

The sliding window is a ring buffer (``ring = [head, count]``). On every value that fills the
window, ``stat_size`` positions are drawn from its older part exactly as ``random.Random.sample``
draws them (pool method or set method, chosen by the same size rule), and the Kolmogorov-Smirnov
distance between that sample and the newest ``stat_size`` values is computed as an integer count
``h`` (the statistic is ``h / stat_size``). A drift is ``h >= h_min``, where ``h_min`` encodes
the p-value rule computed once by :func:`.kswin.drift_threshold`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import inline_kernel, kernel
from aumos_drift_detector.core.concept.mersenne_twister import below

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@inline_kernel
def _insertion_sort(values: FloatArray, size: int) -> None:
    for i in range(1, size):
        item = values[i]
        j = i - 1
        while j >= 0 and values[j] > item:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = item


@inline_kernel
def _ks_count(sample: FloatArray, recent: FloatArray, size: int) -> int:
    """Largest gap between the two empirical CDF counts over all data points (both sorted)."""
    a = 0
    b = 0
    gap = 0
    while a < size or b < size:
        take_sample = b >= size or (a < size and sample[a] <= recent[b])
        value = sample[a] if take_sample else recent[b]
        while a < size and sample[a] == value:
            a += 1
        while b < size and recent[b] == value:
            b += 1
        gap = max(gap, abs(a - b))
    return gap


@inline_kernel
def _draw_positions(rng: IntArray, chosen: IntArray, scratch: IntArray, population: int, use_pool: bool) -> None:
    """Fill ``chosen`` like ``random.Random.sample(range(population), len(chosen))``."""
    k = chosen.shape[0]
    if use_pool:
        for t in range(population):
            scratch[t] = t
        for i in range(k):
            j = below(rng, population - i)
            chosen[i] = scratch[j]
            scratch[j] = scratch[population - i - 1]
    else:
        scratch[:] = 0
        for i in range(k):
            j = below(rng, population)
            while scratch[j]:
                j = below(rng, population)
            scratch[j] = 1
            chosen[i] = j


@kernel
def run_kswin(
    values: FloatArray,
    start: int,
    window: FloatArray,
    ring: IntArray,
    rng: IntArray,
    stat_size: int,
    h_min: int,
    use_pool: bool,
) -> tuple[int, int]:
    """Feed ``values[start:]`` until a drift; return (position of the drift or ``len(values)``, its h)."""
    size = window.shape[0]
    population = size - stat_size
    chosen = np.empty(stat_size, dtype=np.int64)
    scratch = np.empty(population, dtype=np.int64)
    sample = np.empty(stat_size, dtype=np.float64)
    recent = np.empty(stat_size, dtype=np.float64)
    for i in range(start, values.shape[0]):
        head, count = ring[0], ring[1]
        if count < size:
            window[(head + count) % size] = values[i]
            ring[1] = count + 1
        else:
            window[head] = values[i]
            ring[0] = (head + 1) % size
        if ring[1] < size:
            continue
        _draw_positions(rng, chosen, scratch, population, use_pool)
        for t in range(stat_size):
            sample[t] = window[(ring[0] + chosen[t]) % size]
            recent[t] = window[(ring[0] + population + t) % size]
        _insertion_sort(sample, stat_size)
        _insertion_sort(recent, stat_size)
        h = _ks_count(sample, recent, stat_size)
        if h >= h_min:
            return i, h
    return values.shape[0], 0
