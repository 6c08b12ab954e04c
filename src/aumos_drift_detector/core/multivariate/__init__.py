"""Multivariate and embedding drift: what per-feature tests cannot see, and which features moved.

Public API (everything in ``__all__``); each test is a pure function of the two samples returning
a :class:`MultivariateResult`:

* **Tabular** (a mapping of column name → 1-D values; text columns are categorical):
  :func:`domain_classifier` (a gradient-boosted classifier tells current rows from reference rows;
  out-of-fold ROC AUC, a Mann–Whitney p-value, the drift score ``2·AUC − 1`` and a per-feature
  :class:`FeatureAttribution`), and :func:`pca_reconstruction` (NannyML's data-reconstruction
  method with a calibrated p-value and the reference band).
* **Embeddings** (a matrix of vectors per sample): :func:`mmd` (MMD² with a median-heuristic
  Gaussian kernel and a permutation test), :func:`centroid_cosine` (cosine distance of the centroids)
  and :func:`embedding_classifier` (the domain classifier on a PCA projection).
* **Samples**: :class:`ReservoirSample`, a seeded, mergeable, bounded uniform sample of rows.

Every test bounds its samples (``max_rows`` / ``max_points``) by seeded uniform sampling, so it runs
in bounded time and memory on windows of any size, and is reproducible for a given ``seed``.
"""

from aumos_drift_detector.core.multivariate.bounds import (
    DEFAULT_ALPHA,
    DEFAULT_MAX_POINTS,
    DEFAULT_MAX_ROWS,
    DEFAULT_PERMUTATIONS,
    MIN_ROWS,
)
from aumos_drift_detector.core.multivariate.centroid import centroid_cosine
from aumos_drift_detector.core.multivariate.classifier_model import ClassifierSettings
from aumos_drift_detector.core.multivariate.domain_classifier import domain_classifier
from aumos_drift_detector.core.multivariate.embedding_classifier import embedding_classifier
from aumos_drift_detector.core.multivariate.mmd import mmd
from aumos_drift_detector.core.multivariate.reconstruction import pca_reconstruction
from aumos_drift_detector.core.multivariate.reservoir import ReservoirSample
from aumos_drift_detector.core.multivariate.result import FeatureAttribution, MultivariateMethod, MultivariateResult

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_MAX_POINTS",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_PERMUTATIONS",
    "MIN_ROWS",
    "ClassifierSettings",
    "FeatureAttribution",
    "MultivariateMethod",
    "MultivariateResult",
    "ReservoirSample",
    "centroid_cosine",
    "domain_classifier",
    "embedding_classifier",
    "mmd",
    "pca_reconstruction",
]
