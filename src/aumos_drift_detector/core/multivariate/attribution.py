"""Which features the domain classifier relies on: permutation importance on the held-out folds.

For each fold and feature, the feature's values are shuffled among the fold's held-out rows (which
keeps its marginal and breaks its link with every other feature and with the sample label) and the
fold's AUC is recomputed. A feature's importance is the mean drop in AUC over the folds. A feature
that moved on its own, or whose relation with another feature moved, costs AUC when shuffled; one
that did not move costs nothing. Only held-out rows are used, so the importances are not inflated
by what the classifier memorised.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.multivariate.auc import roc_auc
from aumos_drift_detector.core.multivariate.cross_fitting import HeldOutFold, current_probability
from aumos_drift_detector.core.multivariate.result import FeatureAttribution

FloatArray = npt.NDArray[np.float64]


def _fold_auc(scores: FloatArray, labels: npt.NDArray[np.int_]) -> float:
    return roc_auc(scores[labels == 0], scores[labels == 1])


def _fold_drops(
    fold: HeldOutFold, matrix: FloatArray, labels: npt.NDArray[np.int_], rng: np.random.Generator
) -> FloatArray:
    rows, fold_labels = matrix[fold.rows], labels[fold.rows]
    baseline = _fold_auc(current_probability(fold.model, rows), fold_labels)
    drops = np.empty(matrix.shape[1])
    for column in range(matrix.shape[1]):
        shuffled = rows.copy()
        shuffled[:, column] = rng.permutation(shuffled[:, column])
        drops[column] = baseline - _fold_auc(current_probability(fold.model, shuffled), fold_labels)
    return drops


def permutation_attribution(
    folds: Sequence[HeldOutFold],
    matrix: FloatArray,
    labels: npt.NDArray[np.int_],
    names: Sequence[str],
    rng: np.random.Generator,
) -> tuple[FeatureAttribution, ...]:
    """The features ranked by their mean drop in held-out AUC, the largest first.

    Args:
        folds: The fitted folds of :func:`~.cross_fitting.out_of_fold_scores`.
        matrix: The rows the folds index.
        labels: 0 for a reference row, 1 for a current row.
        names: One name per column of ``matrix``.
        rng: Draws the shuffles.

    Returns:
        One attribution per feature, ranked.
    """
    drops = np.mean([_fold_drops(fold, matrix, labels, rng) for fold in folds], axis=0)
    order = sorted(range(len(names)), key=lambda column: (-drops[column], names[column]))
    return tuple(
        FeatureAttribution(feature=names[column], importance=float(drops[column]), rank=rank)
        for rank, column in enumerate(order, start=1)
    )
