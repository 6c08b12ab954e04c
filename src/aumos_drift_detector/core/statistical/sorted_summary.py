"""Summary statistics of a feature's sorted reference values, without sorting or copying them again.

The values come sorted, so the quartiles are read at their positions instead of through
``numpy.quantile`` (which copies the array and partitions the copy), and both standard deviations
share one sum of squared deviations instead of two calls of ``numpy.std``. Each figure is the very
float the NumPy call gives: the quartiles interpolate as NumPy's default (``linear``) method does,
and the deviations are summed in the order ``numpy.var`` sums them.

>>> sorted_summary(np.array([1.0, 2.0, 3.0, 4.0]))["p25"]
1.75
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.statistical.samples import finite_span

FloatArray = npt.NDArray[np.float64]

_QUARTILES = np.array([0.25, 0.5, 0.75])


def sorted_quantiles(sorted_values: FloatArray, quantiles: FloatArray) -> FloatArray:
    """``numpy.quantile(sorted_values, quantiles)`` (the ``linear`` method) of a sorted, non-empty array without NaN.

    The same floats as NumPy: the position ``(n - 1) * q``, its two neighbours (both the last value
    from position ``n - 1`` on) and the interpolation from the nearer end.
    """
    virtual = (sorted_values.size - 1) * quantiles
    below = np.floor(virtual)
    above = below + 1
    at_end = virtual >= sorted_values.size - 1
    below[at_end] = -1
    above[at_end] = -1
    below_index, above_index = below.astype(np.intp), above.astype(np.intp)
    gamma = np.asarray(virtual - below_index, dtype=np.float64)
    low, high = sorted_values[below_index], sorted_values[above_index]
    step = high - low
    result = np.add(low, step * gamma)
    np.subtract(high, step * (1 - gamma), out=result, where=gamma >= 0.5)
    return result


def _spread(finite: FloatArray, mean: np.float64) -> tuple[float, float]:
    """The sample and the population standard deviation, as ``finite.std(ddof=1)`` and ``finite.std()``."""
    if finite.size == 1:
        return 0.0, 0.0
    deviations = finite - np.float64(mean)
    np.multiply(deviations, deviations, out=deviations)
    squares = np.add.reduce(deviations)
    return float(np.sqrt(squares / (finite.size - 1))), float(np.sqrt(squares / finite.size))


def sorted_summary(sorted_values: FloatArray) -> dict[str, float]:
    """Mean, standard deviations, extremes and quartiles of the finite values of a sorted array (empty if none)."""
    finite, _ = finite_span(sorted_values)
    if finite.size == 0:
        return {}
    p25, median, p75 = sorted_quantiles(finite, _QUARTILES)
    mean = np.add.reduce(finite) / finite.size
    std, population_std = _spread(finite, mean)
    return {
        "mean": float(mean),
        "std": std,
        "population_std": population_std,
        "min": float(finite[0]),
        "p25": float(p25),
        "median": float(median),
        "p75": float(p75),
        "max": float(finite[-1]),
    }
