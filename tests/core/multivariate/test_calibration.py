"""Seeded null calibration on small samples: the full ≥ 200-run tables come from scripts/simulate_multivariate.py.

Each test counts how often a method rejects at α = 0.05 and at 0.2 over runs with no drift, and
fails when the count passes the binomial 99.9% quantile of a calibrated test. A test that is too
liberal fails (a PCA fitted on the reference alone, before the projection of embeddings, rejected
every run); one that is too conservative would show in the power tests and the tables.
"""

import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.multivariate import (
    centroid_cosine,
    domain_classifier,
    embedding_classifier,
    mmd,
    pca_reconstruction,
)
from tests.core.multivariate.scenarios import mixed_table, mixture_embeddings

pytestmark = pytest.mark.slow


def _assert_calibrated(p_values):
    p_values = np.asarray(p_values)
    for alpha in (0.05, 0.2):
        bound = stats.binom.ppf(0.999, len(p_values), alpha)
        assert np.count_nonzero(p_values < alpha) <= bound, (alpha, sorted(p_values)[:10])


def _tables(run, n):
    rng = np.random.default_rng(1000 + run)
    return mixed_table(rng, n), mixed_table(rng, n)


def _vectors(run, n):
    rng = np.random.default_rng(2000 + run)
    return mixture_embeddings(rng, n), mixture_embeddings(rng, n)


def test_domain_classifier_under_no_drift():
    _assert_calibrated(
        [domain_classifier(*_tables(run, 200), seed=run, folds=3, attribution=False).p_value for run in range(60)]
    )


def test_pca_reconstruction_under_no_drift():
    _assert_calibrated([pca_reconstruction(*_tables(run, 300), seed=run).p_value for run in range(150)])


def test_mmd_and_centroid_under_no_drift():
    pairs = [_vectors(run, 100) for run in range(60)]
    _assert_calibrated([mmd(*pair, seed=run, permutations=100).p_value for run, pair in enumerate(pairs)])
    _assert_calibrated([centroid_cosine(*pair, seed=run, permutations=100).p_value for run, pair in enumerate(pairs)])


def test_embedding_classifier_under_no_drift():
    _assert_calibrated(
        [embedding_classifier(*_vectors(run, 150), seed=run, attribution=False).p_value for run in range(30)]
    )
