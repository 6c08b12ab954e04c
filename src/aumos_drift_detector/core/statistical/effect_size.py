"""Effect sizes: how far a feature moved, on a scale that does not depend on the test or the sample size.

A test's statistic and p-value say whether the two samples differ; on large samples a trivial shift is
significant. The effect size says how large the shift is, in one unit per kind of feature, whatever
test was chosen, so that a decision can require a practical effect and a severity can follow the size
of the shift.

**Numerical features**, unit ``"reference_sd"``::

    effect = W1(reference, current) / sd_reference

``W1 = integral |F_reference(x) - F_current(x)| dx`` is the first Wasserstein (earth mover's) distance
between the empirical distributions of the non-missing values, what
``scipy.stats.wasserstein_distance(reference, current)`` gives, and ``sd_reference`` is the sample
standard deviation of the reference (``ddof=1``; the profile's ``summary["std"]``). Moving the whole
distribution by ``delta`` reference standard deviations scores exactly ``delta``; a change of spread or
shape scores the average distance the probability mass travels, in the same unit. Note the ``ddof``:
the ``wasserstein`` *test* divides the same W1 by the population standard deviation (``ddof=0``), so
its statistic is smaller by the factor ``sqrt((n - 1) / n)``.

**Categorical and binary features**, unit ``"total_variation"``::

    effect = 1/2 * sum over c of |p_reference(c) - p_current(c)|

over the union of the categories of both samples (a category seen on one side only has probability 0
on the other), missing values excluded: the largest difference in the probability that the two
samples give to any set of categories, between 0 (the same shares) and 1 (no category in common).

Edge cases of the numerical effect, where W1 or the scale has no finite value:

* ``+inf`` and ``-inf`` are left out of both samples, as the Wasserstein test leaves them out;
* a constant reference (all its finite values equal, so ``sd_reference = 0``) gives ``0`` when the
  finite current values all equal that constant and ``inf`` otherwise;
* a sample without any finite value gives ``inf``, unless neither sample has one and both hold the
  same share of ``+inf`` (then ``0``).

Consumers that store JSON keep a non-finite effect as ``null``.

Cost: for a feature whose test merges the two sorted samples (KS, Wasserstein, energy distance) the
engine makes that merge once, with its integrals, and W1 is the merge's L1 integral
(:mod:`.merge_pass`): the effect costs the integral's accumulation only. For the other tests (binned
ones such as PSI, rank ones such as Anderson-Darling) W1 comes from one walk along the quantile
functions of the sorted samples (:mod:`.quantile_walk`), a fifth of the time of a merge. The total
variation is a sum over the aligned category counts.
"""

from __future__ import annotations

import math
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.merge_pass import MergeResult
from aumos_drift_detector.core.statistical.quantile_walk import quantile_walk_distance
from aumos_drift_detector.core.statistical.samples import FloatArray, finite_span

EffectUnit = Literal["reference_sd", "total_variation"]
"""The unit of an effect size: of a numerical feature, or of a categorical or binary one."""

NUMERICAL_UNIT: Final[EffectUnit] = "reference_sd"
"""The unit of the effect size of numerical features."""

CATEGORICAL_UNIT: Final[EffectUnit] = "total_variation"
"""The unit of the effect size of categorical and binary features."""


def numerical_effect_size(
    reference_sorted: FloatArray,
    current_sorted: FloatArray,
    *,
    reference_sd: float | None = None,
    merged: MergeResult | None = None,
) -> float:
    """W1 between the samples in reference standard deviations (unit ``"reference_sd"``).

    Args:
        reference_sorted: Reference values sorted ascending, no NaN.
        current_sorted: Current values sorted ascending, no NaN.
        reference_sd: The sample standard deviation (``ddof=1``) of the finite reference values when
            already known (a profile stores it); computed otherwise.
        merged: The merge of the finite parts of the two samples, with its integrals, when already
            made; otherwise W1 comes from the walk along the quantile functions.

    Returns:
        The effect size, ``0`` or more; ``inf`` in the edge cases of the module docstring.

    Example:
        >>> reference = np.array([0.0, 1.0, 2.0])  # sd (ddof=1) = 1
        >>> numerical_effect_size(reference, reference + 0.5)
        0.5
        >>> numerical_effect_size(np.array([2.0, 2.0]), np.array([2.0, 3.0]))
        inf
    """
    reference, _ = finite_span(reference_sorted)
    current, _ = finite_span(current_sorted)
    if reference.size == 0 or current.size == 0:
        return _effect_without_finite_values(reference_sorted, current_sorted, reference.size, current.size)
    distance = quantile_walk_distance(reference, current) if merged is None else merged.l1
    if reference[0] == reference[-1]:
        scale = 0.0
    else:
        scale = float(np.std(reference, ddof=1)) if reference_sd is None else reference_sd
    if scale > 0:
        return distance / scale
    return 0.0 if distance == 0 else math.inf


def _effect_without_finite_values(
    reference_sorted: FloatArray, current_sorted: FloatArray, n_finite_reference: int, n_finite_current: int
) -> float:
    """The effect when a sample has no finite value: 0 only for equal shares of ``+inf`` on both sides."""
    if n_finite_reference or n_finite_current:
        return math.inf
    reference_up = int(np.count_nonzero(reference_sorted == np.inf))
    current_up = int(np.count_nonzero(current_sorted == np.inf))
    return 0.0 if reference_up * current_sorted.size == current_up * reference_sorted.size else math.inf


def categorical_effect_size(reference_counts: npt.NDArray[np.int64], current_counts: npt.NDArray[np.int64]) -> float:
    """Total variation distance between two category distributions (unit ``"total_variation"``).

    Args:
        reference_counts: Reference count of each category (int64).
        current_counts: Current count of the same categories, aligned with ``reference_counts``; a
            category absent from one sample has count 0 there.

    Returns:
        ``1/2 * sum |p_reference - p_current|``, in ``[0, 1]``.

    Raises:
        ValidationError: If a sample has no counts at all.

    Example:
        >>> categorical_effect_size(np.array([3, 1, 0]), np.array([1, 1, 2]))  # a: .75 -> .25, c: 0 -> .5
        0.5
    """
    reference_total, current_total = int(reference_counts.sum()), int(current_counts.sum())
    if reference_total <= 0 or current_total <= 0:
        raise ValidationError(
            "the total variation needs at least one counted value in each sample",
            details={"n_reference": reference_total, "n_current": current_total},
        )
    gaps = np.abs(reference_counts / reference_total - current_counts / current_total)
    return min(1.0, 0.5 * float(gaps.sum()))
