"""Seeded streams for concept-drift tests, and a per-sample runner shared with River oracles.

Every generator takes a seed (or a ``numpy.random.Generator``) and returns a float64 array, so a
failing case can be replayed from its seed.
"""

from __future__ import annotations

import random
from typing import Any, Protocol

import numpy as np


class _Detector(Protocol):
    drift_detected: bool

    def update(self, x: Any) -> Any: ...


def bernoulli_steps(
    seed: int, *, segments: int = 6, length: int = 1000, rates: tuple[float, ...] = (0.05, 0.2, 0.5, 0.8)
) -> np.ndarray:
    """Error stream (1 = error) whose error rate jumps up and down between segments."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(rates, size=segments)
    return np.concatenate([(rng.random(length) < rate).astype(np.float64) for rate in chosen])


def rising_error_rate(seed: int, *, before: float = 0.1, after: float = 0.6, length: int = 1000) -> np.ndarray:
    """Error stream with one abrupt rise of the error rate at index ``length``."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.random(length) < before, rng.random(length) < after]).astype(np.float64)


def fractional_errors(seed: int, *, segments: int = 4, length: int = 800) -> np.ndarray:
    """Errors in [0, 1] (e.g. a per-prediction loss) drawn from Beta laws whose mean shifts."""
    rng = np.random.default_rng(seed)
    shapes = rng.uniform(0.5, 5.0, size=(segments, 2))
    return np.concatenate([rng.beta(a, b, size=length) for a, b in shapes])


def gaussian_shifts(seed: int, *, segments: int = 6, length: int = 800, spread: float = 1.5) -> np.ndarray:
    """Real-valued stream of unit-variance Gaussian segments whose means are drawn with ``spread``."""
    rng = np.random.default_rng(seed)
    means = rng.normal(0.0, spread, size=segments)
    return np.concatenate([rng.normal(mean, 1.0, size=length) for mean in means])


def river_adwin_doctest_stream() -> list[int]:
    """The stream of River's ADWIN and KSWIN docstring examples (change at index 1000)."""
    rng = random.Random(12345)
    return rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)


def river_hddm_doctest_stream() -> list[int]:
    """The stream of River's HDDM_A and HDDM_W docstring examples (error rate 0.5 then 0.7)."""
    rng = random.Random(42)
    return rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])


def run_per_sample(detector: _Detector, values: Any) -> tuple[list[int], list[int]]:
    """Feed values one at a time; return the indices with a drift and with a warning."""
    drifts: list[int] = []
    warnings: list[int] = []
    for i, value in enumerate(values):
        detector.update(value)
        if detector.drift_detected:
            drifts.append(i)
        if getattr(detector, "warning_detected", False):
            warnings.append(i)
    return drifts, warnings


def error_rate_schedule(seed: int, rates: tuple[float, ...], *, length: int = 1000) -> np.ndarray:
    """Error stream with one segment of ``length`` values per error rate in ``rates``, in order."""
    rng = np.random.default_rng(seed)
    return np.concatenate([(rng.random(length) < rate).astype(np.float64) for rate in rates])
