"""Running a distance between two discrete distributions on numeric bins or category counts.

Jensen-Shannon, Hellinger and L-infinity compare proportion vectors. This module turns raw samples,
sorted samples or aligned counts into those vectors (numeric data on the reference-based bins of
:mod:`.histogram`) and packs the distance into a :class:`StatTestResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.histogram import DEFAULT_BINS, bin_sorted
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import (
    Category,
    CountArray,
    FloatArray,
    as_count_vector,
    categorical_counts,
    require_min_samples,
    sorted_numeric,
)

Distance = Callable[[FloatArray, FloatArray], float]
InputKind = Literal["auto", "numerical", "categorical"]


def run_on_samples(
    distance: Distance,
    test: str,
    reference: Any,
    current: Any,
    *,
    threshold: float,
    bins: int,
    kind: InputKind,
    min_samples: int,
    feature: str | None,
) -> StatTestResult:
    """Clean raw samples, bin or count them, and apply ``distance`` (numbers when ``kind="auto"`` allows)."""
    if kind != "categorical":
        try:
            reference_sorted = sorted_numeric(reference, feature=feature)
            current_sorted = sorted_numeric(current, feature=feature)
        except ValidationError:
            if kind == "numerical":
                raise
        else:
            require_min_samples(
                reference_sorted.size, current_sorted.size, min_samples=min_samples, feature=feature, test=test
            )
            return run_on_sorted(distance, test, reference_sorted, current_sorted, threshold=threshold, bins=bins)
    categories, reference_counts, current_counts = categorical_counts(reference, current)
    require_min_samples(
        int(reference_counts.sum()), int(current_counts.sum()), min_samples=min_samples, feature=feature, test=test
    )
    return run_on_counts(distance, test, reference_counts, current_counts, categories, threshold=threshold)


def run_on_sorted(
    distance: Distance,
    test: str,
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float,
    bins: int = DEFAULT_BINS,
    edges: FloatArray | None = None,
) -> StatTestResult:
    """Apply ``distance`` to the reference-based bins of two sorted numeric samples."""
    binned = bin_sorted(reference_sorted, current_sorted, bins=bins, edges=edges)
    result = _result(distance, test, binned.reference, binned.current, threshold=threshold)
    result.details.update(binned.describe())
    return result


def run_on_counts(
    distance: Distance,
    test: str,
    reference_counts: Any,
    current_counts: Any,
    categories: list[Category] | None,
    *,
    threshold: float,
) -> StatTestResult:
    """Apply ``distance`` to aligned category counts."""
    reference = as_count_vector(reference_counts, name="reference_counts")
    current = as_count_vector(current_counts, name="current_counts")
    result = _result(distance, test, reference, current, threshold=threshold)
    if categories is not None:
        result.details["categories"] = [c if isinstance(c, str | int | float | bool) else str(c) for c in categories]
    result.details["reference_counts"] = reference.tolist()
    result.details["current_counts"] = current.tolist()
    return result


def _result(
    distance: Distance, test: str, reference: CountArray, current: CountArray, *, threshold: float
) -> StatTestResult:
    n_reference, n_current = int(reference.sum()), int(current.sum())
    if n_reference == 0 or n_current == 0:
        raise ValidationError(f"test {test!r} needs at least one value in each sample", details={"test": test})
    value = float(distance(reference / n_reference, current / n_current))
    return StatTestResult(
        test=test,
        statistic=value,
        p_value=None,
        threshold=threshold,
        drift_detected=bool(value >= threshold),
        n_reference=n_reference,
        n_current=n_current,
        details={},
    )
