"""The finite parts of two sorted samples, on which Wasserstein and energy distance integrate the CDF gap."""

from __future__ import annotations

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
