"""Power on the scenarios of the issue, one seeded run each (the rates over many runs are in docs/multivariate.md)."""

import numpy as np
import pytest

from aumos_drift_detector.core.multivariate import (
    centroid_cosine,
    domain_classifier,
    embedding_classifier,
    mmd,
    pca_reconstruction,
)
from aumos_drift_detector.core.statistical import ks_test
from tests.core.multivariate.scenarios import mixed_table, mixture_embeddings, shifted_weights

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def flipped():
    rng = np.random.default_rng(11)
    return mixed_table(rng, 5000, rho=0.6), mixed_table(rng, 5000, rho=-0.6)


def test_per_feature_ks_stays_quiet_on_a_correlation_flip(flipped):
    reference, current = flipped
    numerical = ["a", "b", "c", "d", "e"]
    p_values = [ks_test(reference[name], current[name], threshold=0.05).p_value for name in numerical]
    assert min(p_values) > 0.05 / len(numerical)


def test_domain_classifier_detects_the_flip_and_ranks_the_moved_features_first(flipped):
    result = domain_classifier(*flipped, seed=3)
    assert result.drift_detected
    assert result.p_value < 1e-6
    assert {item.feature for item in result.attribution[:2]} == {"a", "b"}
    assert result.attribution[1].importance > 5 * max(abs(item.importance) for item in result.attribution[2:])


def test_pca_reconstruction_detects_the_flip(flipped):
    result = pca_reconstruction(*flipped, seed=3)
    assert result.drift_detected
    assert result.score > 0.05
    assert result.details["outside_band"]


def test_a_ten_point_shift_of_mixture_weights_is_detected_at_2000_points():
    rng = np.random.default_rng(12)
    reference, current = mixture_embeddings(rng, 2000), mixture_embeddings(rng, 2000, shifted_weights(0.10))
    assert mmd(reference, current, seed=1).drift_detected
    assert embedding_classifier(reference, current, seed=1).drift_detected


def test_centroid_cosine_sees_a_new_cluster_direction():
    rng = np.random.default_rng(13)
    reference, current = mixture_embeddings(rng, 1000), mixture_embeddings(rng, 1000, shifted_weights(0.15))
    assert centroid_cosine(reference, current, seed=1).drift_detected
