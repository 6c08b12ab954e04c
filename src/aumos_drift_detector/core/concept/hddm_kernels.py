"""Compiled batch kernels of HDDM_A and HDDM_W.

Each kernel replays, value by value, exactly the arithmetic of its detector's ``_step`` (the same
operations in the same order, so results are bit-identical), including the reset at the value
after a drift. State travels in a float64 array that the kernel updates in place.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import inline_kernel, kernel


@inline_kernel
def _hoeffding_radius(n_cut: float, n: float, log_term: float) -> float:
    if n_cut == n:
        return math.inf
    m = (n - n_cut) / n_cut * (1.0 / n)
    return math.sqrt(m / 2 * log_term)


@kernel
def run_hddm_a(
    values: npt.NDArray[np.float64],
    stats: npt.NDArray[np.float64],
    consts: npt.NDArray[np.float64],
    two_sided: bool,
    seen: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.int64], int]:
    """Run HDDM_A over ``values``; ``stats`` holds (n, mean) of the stream, low and high cut points.

    One loop on purpose: the detector's statistics stay in local variables for the whole batch, which a
    split into functions would pass through arrays at every value.
    """
    size = values.shape[0]
    drift_flags = np.zeros(size, dtype=np.bool_)
    warning_flags = np.zeros(size, dtype=np.bool_)
    change_start = np.full(size, -1, dtype=np.int64)
    log_bound, log_drift, log_warning = consts[0], consts[1], consts[2]
    zn, zm, ln, lm, hn, hm = stats[0], stats[1], stats[2], stats[3], stats[4], stats[5]
    cut = 0
    drift = False
    for i in range(size):
        if drift:
            zn, zm, ln, lm, hn, hm = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
            cut = 0
        zn += 1.0
        zm += (1.0 / zn) * (values[i] - zm)
        if ln == 0.0:
            ln, lm = zn, zm
        if hn == 0.0:
            hn, hm = zn, zm
        eps_z = math.sqrt(1.0 / (2 * zn) * log_bound)
        if lm + math.sqrt(1.0 / (2 * ln) * log_bound) >= zm + eps_z:
            ln, lm = zn, zm
        if hm - math.sqrt(1.0 / (2 * hn) * log_bound) <= zm - eps_z:
            hn, hm = zn, zm
        rise = zm - lm
        drift = rise >= _hoeffding_radius(ln, zn, log_drift)
        warning = (not drift) and rise >= _hoeffding_radius(ln, zn, log_warning)
        cut = int(ln)
        if two_sided:
            fall = hm - zm
            if fall >= _hoeffding_radius(hn, zn, log_drift):
                if not drift:
                    cut = int(hn)
                drift = True
            elif fall >= _hoeffding_radius(hn, zn, log_warning):
                warning = True
        drift_flags[i] = drift
        warning_flags[i] = warning
        if drift:
            change_start[i] = seen + i + 1 - int(zn) + cut
    stats[0], stats[1], stats[2], stats[3], stats[4], stats[5] = zn, zm, ln, lm, hn, hm
    return drift_flags, warning_flags, change_start, cut


@inline_kernel
def _ewma_add(stats: npt.NDArray[np.float64], at: int, x: float, consts: npt.NDArray[np.float64]) -> None:
    stats[at + 1] = consts[0] * x + consts[1] * stats[at + 1] if stats[at] != 0.0 else x
    stats[at] = 1.0
    stats[at + 2] = consts[2] + consts[3] * stats[at + 2]


@inline_kernel
def _ewma_clear(stats: npt.NDArray[np.float64], at: int) -> None:
    stats[at], stats[at + 1], stats[at + 2] = 0.0, 0.0, 1.0


@inline_kernel
def _ewma_rose(stats: npt.NDArray[np.float64], before: int, after: int, log_term: float) -> bool:
    if stats[before] == 0.0 or stats[after] == 0.0:
        return False
    bound = math.sqrt((stats[before + 2] + stats[after + 2]) * log_term / 2)
    return bool(stats[after + 1] - stats[before + 1] > bound)


@inline_kernel
def _hddm_w_reset(stats: npt.NDArray[np.float64]) -> None:
    for at in range(0, 15, 3):
        _ewma_clear(stats, at)
    stats[15], stats[16], stats[17], stats[18] = math.inf, -math.inf, 0.0, 0.0


@kernel
def run_hddm_w(
    values: npt.NDArray[np.float64],
    stats: npt.NDArray[np.float64],
    consts: npt.NDArray[np.float64],
    two_sided: bool,
    seen: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Run HDDM_W over ``values``; ``stats`` is the layout of ``HDDM_W._pack``.

    Summaries (seen, mean, bound condition) sit at 0 (stream), 3/6 (cut point and after, for
    increases), 9/12 (the same for decreases); then the two cut values and their stream indices.

    One loop on purpose: the detector's statistics stay in local variables for the whole batch, which a
    split into functions would pass through arrays at every value.
    """
    size = values.shape[0]
    drift_flags = np.zeros(size, dtype=np.bool_)
    warning_flags = np.zeros(size, dtype=np.bool_)
    change_start = np.full(size, -1, dtype=np.int64)
    log_drift, log_warning = consts[4], consts[5]
    drift = False
    for i in range(size):
        x = values[i]
        if drift:
            _hddm_w_reset(stats)
        _ewma_add(stats, 0, x, consts)
        eps = math.sqrt(stats[2] * log_drift / 2)
        if stats[1] + eps < stats[15]:
            stats[15] = stats[1] + eps
            stats[3], stats[4], stats[5] = stats[0], stats[1], stats[2]
            _ewma_clear(stats, 6)
            stats[17] = seen + i + 1
        else:
            _ewma_add(stats, 6, x, consts)
        drift = _ewma_rose(stats, 3, 6, log_drift)
        warning = (not drift) and _ewma_rose(stats, 3, 6, log_warning)
        if stats[1] - eps > stats[16]:
            stats[16] = stats[1] - eps
            stats[9], stats[10], stats[11] = stats[0], stats[1], stats[2]
            _ewma_clear(stats, 12)
            stats[18] = seen + i + 1
        else:
            _ewma_add(stats, 12, x, consts)
        cut = stats[17]
        if two_sided:
            if _ewma_rose(stats, 12, 9, log_drift):
                if not drift:
                    cut = stats[18]
                drift = True
            elif _ewma_rose(stats, 12, 9, log_warning):
                warning = True
        drift_flags[i] = drift
        warning_flags[i] = warning
        if drift:
            change_start[i] = int(cut)
    return drift_flags, warning_flags, change_start
