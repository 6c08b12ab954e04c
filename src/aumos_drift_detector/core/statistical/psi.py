"""Population Stability Index with conventional bands and a sample-size-aware p-value."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from scipy import special

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.histogram import DEFAULT_BINS, bin_sorted
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import (
    DEFAULT_MIN_SAMPLES,
    Category,
    CountArray,
    FloatArray,
    as_count_vector,
    categorical_counts,
    require_min_samples,
    sorted_numeric,
)
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestSpec

TEST_NAME = "psi"
DEFAULT_THRESHOLD = 0.1
DEFAULT_ALPHA = 0.05
PSEUDO_COUNT = 0.5
"""Added to every bin of a sample that has an empty bin (Haldane-Anscombe), before normalising."""

Decision = Literal["band_and_p_value", "band", "p_value"]
InputKind = Literal["auto", "numerical", "categorical"]


def psi(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    alpha: float = DEFAULT_ALPHA,
    decision: Decision = "band_and_p_value",
    kind: InputKind = "auto",
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Population Stability Index ``PSI = sum_i (q_i - p_i) ln(q_i / p_i)`` between binned samples.

    Method: numeric samples are binned on reference quantiles (``bins`` bins, tied edges merged, outer
    edges open to +/-inf) or, when the reference has at most ``bins`` distinct values, by value (see
    :mod:`.histogram`); categorical samples use one bin per category. Bins empty in both samples are
    dropped. A sample with an empty bin gets 0.5 added to each of its bin counts before the counts are
    turned into proportions, so every logarithm is finite and the proportions still sum to 1.

    Decision: ``details["band"]`` gives the conventional reading (``< 0.1`` stable, ``0.1-0.25`` moderate,
    ``> 0.25`` significant). Under no drift ``PSI`` is approximately ``(1/n + 1/m) * chi2(B - 1)``, which
    gives ``p_value``. The default rule ``"band_and_p_value"`` declares drift when ``PSI >= threshold``
    **and** ``p_value < alpha``: the first asks for a change large enough to matter, the second for one
    that small samples cannot produce by chance, so identical or same-distribution samples at small n
    do not fire. ``"band"`` and ``"p_value"`` use one condition alone.

    Edge cases: missing values are dropped; infinities fall in the open outer bins; a constant column
    that keeps its value gives ``PSI = 0`` and ``p = 1``; one that changes value is drift (value bins).

    Args:
        reference: Reference values (numbers or category labels).
        current: Current values.
        threshold: PSI at or above which the band condition holds.
        bins: Number of quantile bins for numeric data.
        alpha: Significance level of the p-value condition.
        decision: ``"band_and_p_value"``, ``"band"`` or ``"p_value"``.
        kind: ``"numerical"``, ``"categorical"`` or ``"auto"`` (numeric when every value is a number).
        min_samples: Fewest usable values per sample.
        feature: Feature name for error messages.

    Returns:
        The result; ``details`` holds the band, the bins and their counts, alpha and the decision rule.

    Example:
        >>> rng = np.random.default_rng(3)
        >>> reference = rng.normal(0, 1, 5_000)
        >>> psi(reference, reference).statistic
        0.0
        >>> result = psi(reference, rng.normal(1.0, 1, 5_000))
        >>> result.details["band"], result.drift_detected
        ('significant', True)
    """
    if kind != "categorical":
        try:
            reference_sorted = sorted_numeric(reference, feature=feature)
            current_sorted = sorted_numeric(current, feature=feature)
        except ValidationError:
            if kind == "numerical":
                raise
        else:
            require_min_samples(
                reference_sorted.size, current_sorted.size, min_samples=min_samples, feature=feature, test=TEST_NAME
            )
            return psi_sorted(
                reference_sorted, current_sorted, threshold=threshold, bins=bins, alpha=alpha, decision=decision
            )
    categories, reference_counts, current_counts = categorical_counts(reference, current)
    require_min_samples(
        int(reference_counts.sum()), int(current_counts.sum()), min_samples=min_samples, feature=feature, test=TEST_NAME
    )
    return psi_counts(reference_counts, current_counts, categories, threshold=threshold, alpha=alpha, decision=decision)


def psi_sorted(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    edges: FloatArray | None = None,
    alpha: float = DEFAULT_ALPHA,
    decision: Decision = "band_and_p_value",
) -> StatTestResult:
    """Kernel of :func:`psi` on clean samples sorted ascending; ``edges`` are precomputed interior edges.

    Example:
        >>> reference = np.arange(100, dtype=float)
        >>> psi_sorted(reference, reference + 50.0).details["band"]
        'significant'
    """
    binned = bin_sorted(reference_sorted, current_sorted, bins=bins, edges=edges)
    result = _psi_result(binned.reference, binned.current, threshold=threshold, alpha=alpha, decision=decision)
    result.details.update(binned.describe())
    return result


def psi_counts(
    reference_counts: Any,
    current_counts: Any,
    categories: list[Category] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    alpha: float = DEFAULT_ALPHA,
    decision: Decision = "band_and_p_value",
) -> StatTestResult:
    """Kernel of :func:`psi` on aligned category counts.

    Example:
        >>> psi_counts([50, 50], [50, 50], ["a", "b"]).statistic
        0.0
    """
    reference = as_count_vector(reference_counts, name="reference_counts")
    current = as_count_vector(current_counts, name="current_counts")
    result = _psi_result(reference, current, threshold=threshold, alpha=alpha, decision=decision)
    if categories is not None:
        result.details["categories"] = [str(c) if not isinstance(c, int | float) else c for c in categories]
    result.details["reference_counts"] = reference.tolist()
    result.details["current_counts"] = current.tolist()
    return result


def smoothed_proportions(counts: CountArray) -> FloatArray:
    """Proportions of one sample, with the pseudo-count added to every bin when a bin is empty.

    Example:
        >>> smoothed_proportions(np.array([3, 0, 1])).tolist()  # (3.5, 0.5, 1.5) / 5.5
        [0.6363636363636364, 0.09090909090909091, 0.2727272727272727]
    """
    values = counts.astype(np.float64)
    if np.any(counts == 0):
        values += PSEUDO_COUNT
    total = float(values.sum())
    return values / total


def band(value: float) -> str:
    """Conventional reading of a PSI value: ``"stable"``, ``"moderate"`` or ``"significant"``."""
    if value < 0.1:
        return "stable"
    return "moderate" if value <= 0.25 else "significant"


def _psi_result(
    reference: CountArray, current: CountArray, *, threshold: float, alpha: float, decision: Decision
) -> StatTestResult:
    n_reference, n_current = int(reference.sum()), int(current.sum())
    if n_reference == 0 or n_current == 0:
        raise ValidationError("PSI needs at least one value in each sample", details={"test": TEST_NAME})
    used = (reference > 0) | (current > 0)
    reference, current = reference[used], current[used]
    p = smoothed_proportions(reference)
    q = smoothed_proportions(current)
    value = max(float(np.sum((q - p) * np.log(q / p))), 0.0)
    degrees = int(reference.size) - 1
    scaled = value / (1.0 / n_reference + 1.0 / n_current)
    p_value = float(special.chdtrc(degrees, scaled)) if degrees > 0 else 1.0
    band_hit, p_hit = value >= threshold, p_value < alpha
    detected = {"band": band_hit, "p_value": p_hit}.get(decision, band_hit and p_hit)
    return StatTestResult(
        test=TEST_NAME,
        statistic=value,
        p_value=p_value,
        threshold=threshold,
        drift_detected=bool(detected),
        n_reference=n_reference,
        n_current=n_current,
        details={"band": band(value), "alpha": alpha, "decision": decision, "degrees_of_freedom": degrees},
    )


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=psi,
    sorted_kernel=psi_sorted,
    counts_kernel=psi_counts,
    default_threshold=DEFAULT_THRESHOLD,
    kind="distance",
    feature_kinds=frozenset({"numerical", "categorical", "binary"}),
    binned=True,
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
