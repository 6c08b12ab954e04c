"""The gradient-boosted classifier that tells current rows from reference rows, and its defaults.

Defaults are chosen for a bounded sample of a few thousand rows: 100 boosting iterations of trees
with at most 15 leaves, no early stopping (which would hold out a further split at random), native
handling of categorical codes and missing values, and a fixed seed. The fits run on one OpenMP thread
by default: the service runs several checks at once on few cores, and a pool of spinning threads per
fit then costs far more than it gains (``threads=None`` lets the library choose).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # scikit-learn is imported by the tests that fit a model, not with the package
    from sklearn.ensemble import HistGradientBoostingClassifier

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class ClassifierSettings:
    """Hyper-parameters of the domain classifier.

    Attributes:
        max_iter: Boosting iterations.
        learning_rate: Shrinkage of each tree.
        max_leaf_nodes: Leaves per tree.
        min_samples_leaf: Fewest rows per leaf.
        l2_regularization: L2 penalty on leaf values.
        threads: OpenMP threads for fitting and scoring; ``None`` leaves the library's default.
    """

    max_iter: int = 100
    learning_rate: float = 0.1
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 20
    l2_regularization: float = 0.0
    threads: int | None = 1


def build_classifier(settings: ClassifierSettings, categorical: BoolArray, seed: int) -> HistGradientBoostingClassifier:
    """A fresh, unfitted classifier with the given settings and categorical columns."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=settings.max_iter,
        learning_rate=settings.learning_rate,
        max_leaf_nodes=settings.max_leaf_nodes,
        min_samples_leaf=settings.min_samples_leaf,
        l2_regularization=settings.l2_regularization,
        early_stopping=False,
        categorical_features=categorical if categorical.any() else None,
        random_state=seed,
    )
