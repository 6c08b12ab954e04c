"""Two-proportion z-test for binary features."""

from __future__ import annotations

import math
from typing import Any

from scipy import special

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.samples import (
    DEFAULT_MIN_SAMPLES,
    Category,
    as_count_vector,
    categorical_counts,
    require_min_samples,
)
from aumos_drift_detector.core.statistical.stat_test_spec import StatTestSpec

TEST_NAME = "z_test"
DEFAULT_THRESHOLD = 0.05


def z_test(
    reference: Any,
    current: Any,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_samples: int = DEFAULT_MIN_SAMPLES,
    feature: str | None = None,
) -> StatTestResult:
    """Two-sided two-proportion z-test with the pooled standard error.

    Method: with ``x / n`` and ``y / m`` the shares of the *positive* category (the larger of the two
    labels in sorted order: ``True``, ``1``, ``"yes"`` over ``"no"``), ``P = (x + y) / (n + m)`` and
    ``z = (x/n - y/m) / sqrt(P (1 - P) (1/n + 1/m))``; ``p = 2 * Phi(-|z|)``, as
    ``statsmodels.stats.proportion.proportions_ztest`` with its default pooled variance. Drift when
    ``p_value < threshold``.

    Edge cases: missing labels dropped; a single label in both samples (``P`` of 0 or 1) gives ``z = 0``
    and ``p = 1``; more than two labels raise ``ValidationError`` (use ``chi_squared``).

    Args:
        reference: Reference labels with at most two distinct values.
        current: Current labels.
        threshold: Significance level.
        min_samples: Fewest usable values per sample.
        feature: Feature name for error messages.

    Returns:
        The result; ``details`` name the positive category and both shares.

    Example:
        >>> result = z_test([0] * 80 + [1] * 20, [0] * 60 + [1] * 40)
        >>> round(result.statistic, 4), round(result.p_value, 4)
        (-3.0861, 0.002)
    """
    categories, reference_counts, current_counts = categorical_counts(reference, current)
    require_min_samples(
        int(reference_counts.sum()), int(current_counts.sum()), min_samples=min_samples, feature=feature, test=TEST_NAME
    )
    return z_test_counts(reference_counts, current_counts, categories, threshold=threshold)


def z_test_counts(
    reference_counts: Any,
    current_counts: Any,
    categories: list[Category] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> StatTestResult:
    """Kernel of :func:`z_test` on aligned counts over at most two categories (the last is positive).

    Example:
        >>> z_test_counts([50, 50], [50, 50], [False, True]).p_value
        1.0
    """
    reference = as_count_vector(reference_counts, name="reference_counts")
    current = as_count_vector(current_counts, name="current_counts")
    used = (reference > 0) | (current > 0)
    labels = list(categories) if categories is not None else list(range(reference.size))
    labels = [label for label, keep in zip(labels, used.tolist(), strict=True) if keep]
    reference, current = reference[used], current[used]
    if reference.size > 2:
        raise ValidationError(
            "z_test needs a binary feature; use chi_squared for more than two categories",
            details={"test": TEST_NAME, "categories": [str(c) for c in labels]},
        )
    n, m = int(reference.sum()), int(current.sum())
    x, y = int(reference[-1]) if reference.size == 2 else 0, int(current[-1]) if current.size == 2 else 0
    pooled = (x + y) / (n + m)
    variance = pooled * (1.0 - pooled) * (1.0 / n + 1.0 / m)
    statistic = (x / n - y / m) / math.sqrt(variance) if variance > 0 else 0.0
    p_value = float(2.0 * special.ndtr(-abs(statistic))) if variance > 0 else 1.0
    return StatTestResult(
        test=TEST_NAME,
        statistic=statistic,
        p_value=min(p_value, 1.0),
        threshold=threshold,
        drift_detected=bool(p_value < threshold),
        n_reference=n,
        n_current=m,
        details={
            "positive_category": _label(labels[-1]) if reference.size == 2 else None,
            "reference_share": x / n,
            "current_share": y / m,
        },
    )


def _label(label: Category) -> Any:
    return label if isinstance(label, str | int | float | bool) else str(label)


SPEC = StatTestSpec(
    name=TEST_NAME,
    function=z_test,
    sorted_kernel=None,
    counts_kernel=z_test_counts,
    default_threshold=DEFAULT_THRESHOLD,
    kind="p_value",
    feature_kinds=frozenset({"binary"}),
)
"""How the engine calls this test (listed in :data:`.catalogue.CATALOGUE`)."""
