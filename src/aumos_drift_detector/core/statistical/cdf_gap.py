"""The gap between two empirical CDFs on the pooled grid, integrated by Wasserstein and energy distance."""

from __future__ import annotations

import numpy as np

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.statistical.samples import FloatArray, finite_span


def finite_pair(
    reference_sorted: FloatArray, current_sorted: FloatArray, *, test: str
) -> tuple[FloatArray, FloatArray, dict[str, int]]:
    """Views of the finite parts of two sorted samples, and how many infinities each lost.

    Raises:
        InsufficientDataError: When a sample has no finite value.
    """
    reference, dropped_reference = finite_span(reference_sorted)
    current, dropped_current = finite_span(current_sorted)
    if reference.size == 0 or current.size == 0:
        raise InsufficientDataError(
            f"test {test!r} needs finite values in both samples",
            details={"test": test, "n_reference": int(reference.size), "n_current": int(current.size)},
        )
    return reference, current, {"infinite_reference": dropped_reference, "infinite_current": dropped_current}


def cdf_gaps(reference_sorted: FloatArray, current_sorted: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Widths of the pooled-grid intervals and ``F_reference - F_current`` on each.

    Args:
        reference_sorted: Finite reference values sorted ascending.
        current_sorted: Finite current values sorted ascending.

    Returns:
        ``(widths, gaps)`` with one entry per interval between consecutive pooled values.

    Example:
        >>> widths, gaps = cdf_gaps(np.array([0.0, 1.0]), np.array([2.0]))
        >>> widths.tolist(), gaps.tolist()
        ([1.0, 1.0], [0.5, 1.0])
    """
    pooled = np.sort(np.concatenate((reference_sorted, current_sorted)), kind="stable")  # merges two runs
    points = pooled[:-1]
    widths = np.diff(pooled)
    gaps = (
        np.searchsorted(reference_sorted, points, side="right") / reference_sorted.size
        - np.searchsorted(current_sorted, points, side="right") / current_sorted.size
    )
    return widths, gaps
