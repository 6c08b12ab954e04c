"""Chi-squared test of homogeneity for categorical features."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import (
    DEFAULT_MIN_SAMPLES,
    Category,
    CountArray,
    as_count_vector,
    categorical_counts,
    require_min_samples,
)
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestSpec

TEST_NAME = "chi_squared"
DEFAULT_THRESHOLD = 0.05
MIN_EXPECTED = 5.0
"""Cochran's rule: a category whose smaller expected count is below this is pooled."""


def chi_squared(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    pool_rare: bool = True,
    correction: bool = False,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Chi-squared test of homogeneity on the 2 x k table of category counts (never goodness-of-fit).

    Method: the table has one row per sample and one column per category in the union of both samples
    (categories empty on both sides never appear). The statistic is Pearson's
    ``sum (O - E)^2 / E`` with ``E = row total * column total / N`` and ``k - 1`` degrees of freedom, as
    ``scipy.stats.chi2_contingency`` computes it; Yates' correction (2 x 2 tables only) is applied only when
    ``correction=True``, since it makes the test conservative. Drift when ``p_value < threshold``.

    Small expected counts (Cochran's rule): with ``pool_rare`` every category whose smaller expected count
    is below 5 is pooled into one ``"other"`` column; if that column is itself below 5 it is merged with the
    next-smallest category. Pooling never leaves fewer than two columns (then the table is tested as it is).
    The pooled categories are listed in ``details["pooled"]``.

    Edge cases: missing labels are dropped; labels mixing strings and numbers are compared as strings; a
    single category (e.g. a constant column) gives ``statistic = 0`` and ``p = 1``; categories new in
    current are reported by name, count and share in ``details["new_categories"]``.

    Args:
        reference: Reference labels.
        current: Current labels.
        threshold: Significance level.
        pool_rare: Whether to pool categories with expected counts below 5.
        correction: Whether to apply Yates' continuity correction to 2 x 2 tables.
        min_samples: Fewest usable values per sample.
        feature: Feature name for error messages.

    Returns:
        The result.

    Example:
        >>> result = chi_squared(["a"] * 50 + ["b"] * 50, ["a"] * 50 + ["b"] * 30 + ["c"] * 20)
        >>> result.drift_detected, result.details["new_categories"]
        (True, [{'category': 'c', 'count': 20, 'share': 0.2}])
        >>> chi_squared(["x"] * 10, ["x"] * 10).p_value
        1.0
    """
    categories, reference_counts, current_counts = categorical_counts(reference, current)
    require_min_samples(
        int(reference_counts.sum()), int(current_counts.sum()), min_samples=min_samples, feature=feature, test=TEST_NAME
    )
    return chi_squared_counts(
        reference_counts, current_counts, categories, threshold=threshold, pool_rare=pool_rare, correction=correction
    )


def chi_squared_counts(
    reference_counts: Any,
    current_counts: Any,
    categories: list[Category] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    pool_rare: bool = True,
    correction: bool = False,
) -> StatTestResult:
    """Kernel of :func:`chi_squared` on aligned int64 counts over the same category list.

    Example:
        >>> round(chi_squared_counts([30, 70], [70, 30], ["no", "yes"]).statistic, 6)
        32.0
    """
    reference = as_count_vector(reference_counts, name="reference_counts")
    current = as_count_vector(current_counts, name="current_counts")
    labels: list[Category] = list(categories) if categories is not None else list(range(reference.size))
    used = (reference > 0) | (current > 0)
    reference, current = reference[used], current[used]
    labels = [label for label, keep in zip(labels, used.tolist(), strict=True) if keep]
    details: dict[str, Any] = {
        "categories": [_label(c) for c in labels],
        "new_categories": _only_in(current, reference, labels),
        "missing_categories": [_label(c) for c, r, k in zip(labels, reference, current, strict=True) if r and not k],
    }
    pooled: list[Category] = []
    if pool_rare:
        reference, current, pooled = pool_rare_categories(reference, current, labels)
    details["pooled"] = [_label(c) for c in pooled]
    statistic, degrees = pearson_statistic(reference, current, correction=correction)
    p_value = float(special.chdtrc(degrees, statistic)) if degrees > 0 else 1.0
    details["degrees_of_freedom"] = degrees
    return StatTestResult(
        test=TEST_NAME,
        statistic=statistic,
        p_value=p_value,
        threshold=threshold,
        drift_detected=bool(p_value < threshold),
        n_reference=int(reference.sum()),
        n_current=int(current.sum()),
        details=details,
    )


def pearson_statistic(reference: CountArray, current: CountArray, *, correction: bool = False) -> tuple[float, int]:
    """Pearson's statistic of the 2 x k table and its degrees of freedom (0 when k < 2).

    Example:
        >>> pearson_statistic(np.array([10, 10]), np.array([10, 10]))
        (0.0, 1)
    """
    if reference.size < 2:
        return 0.0, 0
    observed = np.vstack((reference, current)).astype(np.float64)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
    deviation = observed - expected
    if correction and reference.size == 2:
        deviation = np.sign(deviation) * np.maximum(np.abs(deviation) - 0.5, 0.0)
    return float(np.sum(deviation * deviation / expected)), int(reference.size) - 1


def pool_rare_categories(
    reference: CountArray, current: CountArray, labels: list[Category]
) -> tuple[CountArray, CountArray, list[Category]]:
    """Pool the categories whose smaller expected count is below 5 (see :func:`chi_squared`).

    Returns:
        The pooled counts (the pooled column last) and the labels that were pooled.

    Example:
        >>> pool_rare_categories(np.array([50, 50, 1]), np.array([50, 50, 2]), ["a", "b", "c"])
        (array([50, 51]), array([50, 52]), ['a', 'c'])
    """
    totals = (reference + current).astype(np.float64)
    smallest_expected = totals * float(min(reference.sum(), current.sum())) / totals.sum()
    keep = smallest_expected >= MIN_EXPECTED
    if keep.all():
        return reference, current, []
    if float(smallest_expected[~keep].sum()) < MIN_EXPECTED and keep.any():
        next_smallest = int(np.flatnonzero(keep)[np.argmin(smallest_expected[keep])])
        keep[next_smallest] = False
    if keep.sum() < 1:  # pooling would leave a single column: test the table as it is
        return reference, current, []
    order: npt.NDArray[np.intp] = np.flatnonzero(keep)
    reference_pooled = np.append(reference[order], reference[~keep].sum())
    current_pooled = np.append(current[order], current[~keep].sum())
    pooled = [label for label, kept in zip(labels, keep.tolist(), strict=True) if not kept]
    return reference_pooled.astype(np.int64), current_pooled.astype(np.int64), pooled


def _only_in(current: CountArray, reference: CountArray, labels: list[Category]) -> list[dict[str, Any]]:
    total = int(current.sum())
    return [
        {"category": _label(label), "count": int(count), "share": int(count) / total}
        for label, count, ref in zip(labels, current, reference, strict=True)
        if count and not ref
    ]


def _label(label: Category) -> Any:
    return label if isinstance(label, str | int | float | bool) else str(label)


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=chi_squared,
    sorted_kernel=None,
    counts_kernel=chi_squared_counts,
    default_threshold=DEFAULT_THRESHOLD,
    kind="p_value",
    feature_kinds=frozenset({"categorical", "binary"}),
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
