import numpy as np
import pytest
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from aumos_drift_detector.core.multivariate import domain_classifier
from aumos_drift_detector.core.multivariate.auc import auc_p_value, cauchy_combination, roc_auc


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_auc_equals_scikit_learn_with_ties(seed):
    rng = np.random.default_rng(seed)
    reference, current = rng.integers(0, 5, 300).astype(float), rng.integers(1, 6, 200).astype(float)
    labels = np.r_[np.zeros(300), np.ones(200)]
    expected = roc_auc_score(labels, np.r_[reference, current])
    assert roc_auc(reference, current) == pytest.approx(expected, abs=1e-12)


def test_p_value_is_the_one_sided_mann_whitney_test():
    rng = np.random.default_rng(3)
    reference, current = rng.normal(0, 1, 400), rng.normal(0.1, 1, 300)
    expected = stats.mannwhitneyu(current, reference, alternative="greater", method="asymptotic").pvalue
    assert auc_p_value(reference, current) == pytest.approx(expected, rel=1e-12)
    assert auc_p_value(current + 5, reference) > 0.999  # an AUC below one half is no evidence


def test_domain_classifier_auc_is_roc_auc_score_of_the_out_of_fold_scores():
    rng = np.random.default_rng(4)
    reference = {"x": rng.normal(0, 1, 600), "y": rng.normal(0, 1, 600)}
    current = {"x": rng.normal(0.3, 1, 500), "y": rng.normal(0, 1.2, 500)}
    result = domain_classifier(reference, current, seed=7, folds=4, attribution=False)
    matrix = np.vstack([np.column_stack([data["x"], data["y"]]) for data in (reference, current)])
    labels = np.r_[np.zeros(600, int), np.ones(500, int)]
    model = HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=15, early_stopping=False, random_state=7)
    folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=7)
    with threadpool_limits(limits=1, user_api="openmp"):  # a pool of spinning threads is slow on shared cores
        scores = cross_val_predict(model, matrix, labels, cv=folds, method="predict_proba")[:, 1]
    assert result.statistic == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    assert result.score == pytest.approx(2 * result.statistic - 1)
    assert result.drift_detected
    assert (result.n_reference, result.n_current) == (600, 500)


def test_cauchy_combination_is_the_cauchy_tail_of_the_mean_tangent():
    p_values = [0.02, 0.3, 0.7, 0.11, 0.5]
    expected = stats.cauchy.sf(np.mean(np.tan((0.5 - np.array(p_values)) * np.pi)))
    assert cauchy_combination(p_values) == pytest.approx(expected, rel=1e-9)
    assert cauchy_combination([0.3]) == pytest.approx(0.3)
    assert cauchy_combination([1e-40, 0.5, 0.5]) == pytest.approx(3e-40, rel=1e-6)


def test_cauchy_combination_of_independent_uniform_p_values_is_uniform():
    rng = np.random.default_rng(8)
    combined = [cauchy_combination(rng.random(5)) for _ in range(4000)]
    assert stats.kstest(combined, "uniform").pvalue > 0.001
