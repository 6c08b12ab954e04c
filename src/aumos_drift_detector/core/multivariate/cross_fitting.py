"""Out-of-fold scores: every row scored by a classifier that never saw it (stratified k-fold)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.multivariate.classifier_model import ClassifierSettings, build_classifier

if TYPE_CHECKING:  # scikit-learn is imported by the tests that fit a model, not with the package
    from sklearn.ensemble import HistGradientBoostingClassifier

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class HeldOutFold:
    """One fold: the classifier fitted on the other folds and the rows it held out.

    Attributes:
        model: The fitted classifier.
        rows: Indices of the held-out rows.
    """

    model: HistGradientBoostingClassifier
    rows: IntArray


def current_probability(model: HistGradientBoostingClassifier, matrix: FloatArray) -> FloatArray:
    """The classifier's probability that each row comes from the current sample."""
    return np.asarray(model.predict_proba(matrix)[:, 1], dtype=np.float64)


def out_of_fold_scores(
    matrix: FloatArray,
    labels: npt.NDArray[np.int_],
    categorical: BoolArray,
    *,
    folds: int,
    settings: ClassifierSettings,
    seed: int,
) -> tuple[FloatArray, tuple[HeldOutFold, ...]]:
    """Score every row with the classifier trained on the folds that do not contain it.

    Args:
        matrix: Rows of both samples.
        labels: 0 for a reference row, 1 for a current row.
        categorical: Which columns hold category codes.
        folds: Number of stratified folds (each keeps the two samples' proportions).
        settings: The classifier's hyper-parameters.
        seed: Seeds the fold assignment and the classifier.

    Returns:
        The out-of-fold probability of "current" per row, and the folds.
    """
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = np.empty(len(labels))
    held_out: list[HeldOutFold] = []
    for index, (train, test) in enumerate(splitter.split(matrix, labels)):
        model = build_classifier(settings, categorical, seed + index)
        model.fit(matrix[train], labels[train])
        scores[test] = current_probability(model, matrix[test])
        held_out.append(HeldOutFold(model, np.asarray(test, dtype=np.intp)))
    return scores, tuple(held_out)
