"""ROC AUC of scores that should rank current rows above reference rows, with its Mann–Whitney p-value.

The AUC is the Mann–Whitney U statistic of the current scores against the reference scores divided
by ``n_current · n_reference`` (ties count one half), which is what scikit-learn's ``roc_auc_score``
computes with the current rows as the positive class. Under no drift the held-out scores do not
depend on the sample a row came from, so ``U`` follows its permutation null; the one-sided p-value
(is the AUC above one half?) uses the normal approximation with the tie correction.

>>> round(roc_auc([0.1, 0.4], [0.35, 0.8]), 3)
0.75
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]


def roc_auc(reference_scores: npt.ArrayLike, current_scores: npt.ArrayLike) -> float:
    """The probability that a current row scores above a reference row (ties count one half)."""
    reference, current = np.asarray(reference_scores, float), np.asarray(current_scores, float)
    ranks = stats.rankdata(np.concatenate([reference, current]))
    n_reference, n_current = len(reference), len(current)
    u_current = float(ranks[n_reference:].sum()) - n_current * (n_current + 1) / 2.0
    return u_current / (n_current * n_reference)


def auc_p_value(reference_scores: npt.ArrayLike, current_scores: npt.ArrayLike) -> float:
    """The one-sided Mann–Whitney p-value of ``AUC > 0.5`` (normal approximation, tie-corrected)."""
    result = stats.mannwhitneyu(
        np.asarray(current_scores, float), np.asarray(reference_scores, float), alternative="greater",
        method="asymptotic",
    )  # fmt: skip
    return float(result.pvalue)
