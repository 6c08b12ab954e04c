"""The engine's view of the test catalogue: checking a test fits a feature and calling its kernel.

Numerical features run a test's ``sorted_kernel`` on the profile's sorted reference values and the
sorted current values; categorical and binary features run its ``counts_kernel`` on count vectors
aligned over the union of reference and current categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.catalogue import StatTestSpec, get_test
from aumos_drift_detector.core.statistical.features import FeatureKind
from aumos_drift_detector.core.statistical.histogram import DEFAULT_BINS, quantile_edges
from aumos_drift_detector.core.statistical.merge_pass import MergeResult
from aumos_drift_detector.core.statistical.result import StatTestResult

FloatArray = npt.NDArray[np.float64]
CountArray = npt.NDArray[np.int64]

__all__ = ["DEFAULT_BINS", "bin_edges", "resolve_test", "run_counts", "run_sorted"]


def resolve_test(name: str, *, kind: FeatureKind, feature: str) -> StatTestSpec:
    """Look up ``name`` and check it can run on a feature of ``kind``.

    Raises:
        ValidationError: For an unknown test, or one that does not apply to the kind.
    """
    spec = get_test(name)
    kernel = spec.sorted_kernel if kind == "numerical" else spec.counts_kernel
    if kind not in spec.feature_kinds or kernel is None:
        raise ValidationError(
            f"test {name!r} does not apply to {kind} feature {feature!r} "
            f"(it applies to {', '.join(sorted(spec.feature_kinds))})",
            details={"feature": feature, "test": name, "kind": kind},
        )
    return spec


def bin_edges(reference_sorted: FloatArray, n_bins: int, n_distinct: int) -> FloatArray:
    """The quantile bin edges of a sorted reference sample, as the binned tests compute them.

    Empty when the reference has at most ``n_bins`` distinct values: the tests then bin by value.
    """
    if n_distinct <= n_bins or reference_sorted.size == 0:
        return np.zeros(0, dtype=np.float64)
    return np.asarray(quantile_edges(reference_sorted, n_bins), dtype=np.float64)


def run_sorted(
    spec: StatTestSpec,
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float,
    bins: int = DEFAULT_BINS,
    edges: FloatArray | None = None,
    reference_std: float | None = None,
    merged: MergeResult | None = None,
) -> StatTestResult:
    """Run a test's sorted kernel with what the profile and the engine pre-computed for it.

    Binned tests (``spec.binned``) get the profile's bin count and, when quantile-binned, its edges;
    tests scaled by the reference standard deviation (``spec.scaled``) get it (``None``: the kernel
    computes it); tests that merge the two samples (``spec.merges``) get the engine's merge of these
    very samples, with its integrals (``None``: the kernel merges them itself).
    """
    if spec.sorted_kernel is None:  # pragma: no cover - excluded by resolve_test
        raise ValidationError(f"test {spec.name!r} has no numeric kernel", details={"test": spec.name})
    if spec.binned:
        precomputed = edges if edges is not None and edges.size else None
        return spec.sorted_kernel(reference_sorted, current_sorted, threshold=threshold, bins=bins, edges=precomputed)
    shared: dict[str, Any] = {"merged": merged} if spec.merges else {}
    if spec.scaled:
        shared["reference_std"] = reference_std
    return spec.sorted_kernel(reference_sorted, current_sorted, threshold=threshold, **shared)


def run_counts(
    spec: StatTestSpec,
    reference_counts: CountArray,
    current_counts: CountArray,
    categories: Sequence[str],
    *,
    threshold: float,
) -> StatTestResult:
    """Run a test's counts kernel on aligned count vectors."""
    if spec.counts_kernel is None:  # pragma: no cover - excluded by resolve_test
        raise ValidationError(f"test {spec.name!r} has no categorical kernel", details={"test": spec.name})
    return spec.counts_kernel(reference_counts, current_counts, list(categories), threshold=threshold)
