"""The domain classifier: can a model tell current rows from reference rows?

A gradient-boosted classifier (:mod:`.classifier_model`) learns to tell a bounded, seeded sample of
the current rows from one of the reference rows. Every row is scored by a model that did not see it
(stratified k-fold, :mod:`.cross_fitting`), and the ROC AUC of those out-of-fold scores measures how
separable the two samples are: 0.5 when they come from one distribution, 1 when they never overlap.
The drift score is ``2·AUC − 1`` (the Gini coefficient; 0 under no drift).

**The p-value.** A permutation test would refit the ``k`` models for each of hundreds of
relabellings, hundreds of times the cost of the check. The p-value needs none: within one held-out
fold, the scores are a fixed function (the model trained on the other folds) of rows whose sample
label, under no drift, is a uniform relabelling, so the fold's one-sided Mann–Whitney test of
``AUC > 0.5`` is exact. The folds' p-values are joined by the Cauchy combination
(:func:`~.auc.cauchy_combination`), whose null tail stays accurate at small levels (0.05 and
below) although the folds depend on each other through their shared training rows; at large levels
(0.2) it rejects too often. The Mann–Whitney test of the pooled out-of-fold scores would
not: that dependence makes the pooled AUC vary more than its null assumes, and it rejects too
many undrifted samples. The seeded simulations of ``scripts/simulate_multivariate.py`` (tables in
``docs/multivariate.md``) measure both. The test is one-sided: an AUC below one half is no evidence of
drift. The statistic is the AUC of the pooled out-of-fold scores (scikit-learn's ``roc_auc_score``).

The attribution (:mod:`.attribution`) says which features the classifier relied on.

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> reference = {"x": rng.normal(0, 1, 400), "y": rng.normal(0, 1, 400)}
>>> current = {"x": rng.normal(1, 1, 400), "y": rng.normal(0, 1, 400)}
>>> result = domain_classifier(reference, current, seed=1)
>>> result.drift_detected, result.attribution[0].feature
(True, 'x')
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from aumos_drift_detector.core.multivariate.attribution import permutation_attribution
from aumos_drift_detector.core.multivariate.auc import auc_p_value, cauchy_combination, roc_auc
from aumos_drift_detector.core.multivariate.bounds import DEFAULT_ALPHA, DEFAULT_MAX_ROWS, require_rows
from aumos_drift_detector.core.multivariate.classifier_model import ClassifierSettings
from aumos_drift_detector.core.multivariate.cross_fitting import out_of_fold_scores
from aumos_drift_detector.core.multivariate.encoding import Columns, EncodedPair, encode_columns
from aumos_drift_detector.core.multivariate.reservoir import bounded_rows
from aumos_drift_detector.core.multivariate.result import MultivariateResult

FloatArray = npt.NDArray[np.float64]
DEFAULT_FOLDS = 5


def classify_encoded(
    pair: EncodedPair,
    *,
    alpha: float = DEFAULT_ALPHA,
    max_rows: int = DEFAULT_MAX_ROWS,
    folds: int = DEFAULT_FOLDS,
    seed: int = 0,
    settings: ClassifierSettings | None = None,
    attribution: bool = True,
) -> MultivariateResult:
    """Run the domain classifier on already encoded samples (see :func:`domain_classifier`).

    Raises:
        InsufficientDataError: Fewer than 50 rows in either sample.
    """
    rng = np.random.default_rng(seed)
    reference, current = bounded_rows(pair.reference, max_rows, rng), bounded_rows(pair.current, max_rows, rng)
    require_rows("the domain classifier", len(reference), len(current))
    matrix = np.vstack([reference, current])
    matrix[:, np.isnan(matrix).all(axis=0)] = 0.0  # a column missing everywhere tells nothing (and cannot be binned)
    labels = np.concatenate([np.zeros(len(reference), dtype=np.int_), np.ones(len(current), dtype=np.int_)])
    chosen = settings or ClassifierSettings()
    with threadpool_limits(limits=chosen.threads, user_api="openmp"):
        scores, held_out = out_of_fold_scores(matrix, labels, pair.categorical, folds=folds, settings=chosen, seed=seed)
        ranked = permutation_attribution(held_out, matrix, labels, pair.names, rng) if attribution else ()
    auc = roc_auc(scores[labels == 0], scores[labels == 1])
    fold_scores = [(scores[fold.rows], labels[fold.rows]) for fold in held_out]
    p_value = cauchy_combination([auc_p_value(part[kind == 0], part[kind == 1]) for part, kind in fold_scores])
    return MultivariateResult(
        method="domain_classifier", columns=pair.names, statistic=auc, p_value=p_value, threshold=alpha,
        drift_detected=p_value < alpha, n_reference=len(reference), n_current=len(current), score=2.0 * auc - 1.0,
        attribution=ranked,
        details={"folds": folds, "max_rows": max_rows, "seed": seed, "reference_rows_seen": len(pair.reference),
                 "current_rows_seen": len(pair.current), "classifier": "HistGradientBoostingClassifier",
                 "max_iter": chosen.max_iter, "n_categorical": int(pair.categorical.sum())},
    )  # fmt: skip


def domain_classifier(
    reference: Columns,
    current: Columns,
    *,
    categorical: Collection[str] = (),
    alpha: float = DEFAULT_ALPHA,
    max_rows: int = DEFAULT_MAX_ROWS,
    folds: int = DEFAULT_FOLDS,
    seed: int = 0,
    settings: ClassifierSettings | None = None,
    attribution: bool = True,
) -> MultivariateResult:
    """Test whether a classifier tells the current sample from the reference better than chance.

    Args:
        reference: Column name → 1-D values of the reference sample (numbers, booleans or labels).
        current: The same columns of the current sample.
        categorical: Columns to treat as categorical even when they hold numbers (text columns are).
        alpha: Significance level of the test of ``AUC > 0.5`` (per-fold Mann–Whitney, Cauchy-combined).
        max_rows: Rows per sample used at most (a seeded uniform sample of each).
        folds: Stratified folds of the cross-fitting.
        seed: Seeds the samples, the folds, the classifier and the attribution's shuffles.
        settings: The classifier's hyper-parameters (defaults: :class:`ClassifierSettings`).
        attribution: Whether to rank the features by permutation importance.

    Returns:
        The AUC as the statistic, its p-value, the score ``2·AUC − 1`` and the attribution.

    Raises:
        ValidationError: A column missing or unusable, named in the message.
        InsufficientDataError: Fewer than 50 rows in either sample.
    """
    pair = encode_columns(reference, current, categorical=categorical)
    return classify_encoded(
        pair, alpha=alpha, max_rows=max_rows, folds=folds, seed=seed, settings=settings, attribution=attribution
    )
