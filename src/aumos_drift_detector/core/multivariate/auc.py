"""ROC AUC of scores that should rank current rows above reference rows, with its Mann–Whitney p-value.

The AUC is the Mann–Whitney U statistic of the current scores against the reference scores divided
by ``n_current · n_reference`` (ties count one half), which is what scikit-learn's ``roc_auc_score``
computes with the current rows as the positive class. Under no drift the held-out scores do not
depend on the sample a row came from, so ``U`` follows its permutation null; the one-sided p-value
(is the AUC above one half?) uses the normal approximation with the tie correction.

Cross-fitted folds share training rows, so their held-out scores are not independent, and the
Mann–Whitney null of the pooled scores understates the spread of the pooled AUC (it rejects too many
undrifted samples; see ``docs/multivariate.md``). Within one fold it is exact: given the model trained on the
other folds, the fold's labels are a uniform relabelling under no drift. :func:`cauchy_combination`
joins the folds' p-values into one whose tail (small levels) stays accurate however they depend
on each other.

>>> round(roc_auc([0.1, 0.4], [0.35, 0.8]), 3)
0.75
>>> round(cauchy_combination([0.01, 0.5, 0.9]), 4)
0.0331
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def roc_auc(reference_scores: npt.ArrayLike, current_scores: npt.ArrayLike) -> float:
    """The probability that a current row scores above a reference row (ties count one half)."""
    reference, current = np.asarray(reference_scores, float), np.asarray(current_scores, float)
    from scipy import stats  # imported by the tests that use it, not with the package

    ranks = stats.rankdata(np.concatenate([reference, current]))
    n_reference, n_current = len(reference), len(current)
    u_current = float(ranks[n_reference:].sum()) - n_current * (n_current + 1) / 2.0
    return u_current / (n_current * n_reference)


def auc_p_value(reference_scores: npt.ArrayLike, current_scores: npt.ArrayLike) -> float:
    """The one-sided Mann–Whitney p-value of ``AUC > 0.5`` (normal approximation, tie-corrected)."""
    from scipy import stats

    result = stats.mannwhitneyu(
        np.asarray(current_scores, float), np.asarray(reference_scores, float), alternative="greater",
        method="asymptotic",
    )  # fmt: skip
    return float(result.pvalue)


#: p-values are kept this far from 1, where the tangent overflows; tiny ones use ``tan(π/2 − x) ≈ 1/x``.
_EDGE = 1e-15
_TINY = 1e-300


def cauchy_combination(p_values: Sequence[float]) -> float:
    """The Cauchy combination (Liu & Xie, 2020) of p-values with equal weights.

    ``T = mean(tan((0.5 − pᵢ)·π))`` has a standard Cauchy tail whatever the dependence between the
    p-values, so ``0.5 − arctan(T)/π`` is a valid p-value (exactly for independent p-values, and
    in the tail for dependent ones), and it stays close to the smallest p-value when one fold
    carries strong evidence.
    """
    terms = []
    for value in p_values:
        clipped = min(max(float(value), _TINY), 1.0 - _EDGE)
        terms.append(1.0 / (clipped * math.pi) if clipped < 1e-12 else math.tan((0.5 - clipped) * math.pi))
    statistic = sum(terms) / len(terms)
    if statistic > 1e12:
        return min(1.0, 1.0 / (statistic * math.pi))
    return 0.5 - math.atan(statistic) / math.pi
