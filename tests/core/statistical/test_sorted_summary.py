"""The summary of sorted values gives, bit for bit, the floats of the NumPy calls it replaces:
``numpy.quantile`` (linear), ``mean``, ``std(ddof=1)`` and ``std()`` of the finite values."""

from __future__ import annotations

import numpy as np
import pytest

from aumos_drift_detector.core.statistical.sorted_summary import sorted_quantiles, sorted_summary


def _numpy_summary(sorted_values: np.ndarray) -> dict[str, float]:
    finite = sorted_values[np.isfinite(sorted_values)]
    p25, median, p75 = np.quantile(finite, [0.25, 0.5, 0.75])
    return {
        "mean": float(finite.mean()),
        "std": float(finite.std(ddof=1)) if finite.size > 1 else 0.0,
        "population_std": float(finite.std()),
        "min": float(finite[0]),
        "p25": float(p25),
        "median": float(median),
        "p75": float(p75),
        "max": float(finite[-1]),
    }


def _bits(summary: dict[str, float]) -> dict[str, bytes]:
    return {key: np.float64(value).tobytes() for key, value in summary.items()}


def _samples() -> list[np.ndarray]:
    rng = np.random.default_rng(20261130)
    samples = [rng.normal(3.0, 2.0, size) for size in [*range(1, 40), 97, 1000, 4097, 100_003]]
    samples += [rng.integers(-3, 4, size).astype(float) for size in (1, 2, 5, 50, 999)]  # ties, signed zeros
    samples += [np.array([-0.0, 0.0]), np.array([-0.0]), np.array([1e100, -1e100, 5.0]), rng.lognormal(0, 3, 777)]
    samples.append(np.concatenate([[-np.inf, -np.inf], rng.normal(size=21), [np.inf]]))
    return [np.sort(sample) for sample in samples]


@pytest.mark.parametrize("index", range(len(_samples())))
def test_the_summary_is_bit_for_bit_the_numpy_one(index: int) -> None:
    sample = _samples()[index]
    assert _bits(sorted_summary(sample)) == _bits(_numpy_summary(sample))


def test_any_quantile_is_bit_for_bit_numpy_quantile() -> None:
    rng = np.random.default_rng(7)
    quantiles = np.concatenate([[0.0, 1.0, 0.5, 0.25, 0.75, 1 / 3, 0.1], rng.random(200)])
    for size in (1, 2, 3, 10, 101, 5000):
        sample = np.sort(rng.standard_t(3, size))
        assert sorted_quantiles(sample, quantiles).tobytes() == np.quantile(sample, quantiles).tobytes()


def test_only_infinities_summarise_to_nothing() -> None:
    assert sorted_summary(np.array([-np.inf, np.inf])) == {}
