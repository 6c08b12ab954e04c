import numpy as np
import pytest
from sklearn.decomposition import PCA

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.multivariate import pca_reconstruction
from aumos_drift_detector.core.multivariate.reconstruction import _errors
from tests.core.multivariate.scenarios import mixed_table


def test_reconstruction_error_is_the_distance_to_the_kept_subspace():
    rng = np.random.default_rng(0)
    rows = rng.normal(0, 1, (300, 6)) @ rng.normal(0, 1, (6, 6))
    pca = PCA(n_components=3).fit(rows)
    centred = rows[:20] - pca.mean_
    residual = centred - centred @ pca.components_.T @ pca.components_
    assert _errors(pca, rows[:20]) == pytest.approx(np.linalg.norm(residual, axis=1), rel=1e-9)


def test_same_distribution_is_quiet_and_inside_the_band():
    rng = np.random.default_rng(1)
    result = pca_reconstruction(mixed_table(rng, 3000), mixed_table(rng, 1000), seed=2)
    assert not result.drift_detected
    assert result.details["band_lower"] <= result.statistic <= result.details["band_upper"]
    assert result.details["design_columns"] == 5 + 4 + 1  # numbers, one indicator per plan, the flag
    assert result.n_reference == 3000
    assert result.n_current == 1000


def test_missing_values_and_unseen_categories_are_encoded_not_refused():
    rng = np.random.default_rng(2)
    reference, current = mixed_table(rng, 500), mixed_table(rng, 300)
    current["a"] = current["a"].astype(object)
    current["a"][:50] = None
    current["plan"] = current["plan"].astype(object)
    current["plan"][:30] = "enterprise"
    result = pca_reconstruction(reference, current, seed=0)
    assert np.isfinite(result.statistic)
    assert 0 <= result.p_value <= 1


def test_too_few_reference_rows_are_refused():
    rng = np.random.default_rng(3)
    with pytest.raises(InsufficientDataError, match="PCA reconstruction"):
        pca_reconstruction(mixed_table(rng, 60), mixed_table(rng, 60))
