import numpy as np
import pytest
from scipy.spatial.distance import cdist, cosine, pdist

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.multivariate import centroid_cosine, mmd
from aumos_drift_detector.core.multivariate.mmd import _statistics, median_bandwidth


def _direct_mmd2(reference, current, sigma):
    """The unbiased MMD² written out term by term."""
    kernel = lambda left, right: np.exp(-cdist(left, right, "sqeuclidean") / (2 * sigma**2))  # noqa: E731
    k_xx, k_yy, k_xy = kernel(reference, reference), kernel(current, current), kernel(reference, current)
    n, m = len(reference), len(current)
    return (
        (k_xx.sum() - np.trace(k_xx)) / (n * (n - 1)) + (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1)) - 2 * k_xy.mean()
    )


def test_mmd_squared_matches_a_direct_numpy_implementation():
    rng = np.random.default_rng(0)
    reference, current = rng.normal(0, 1, (120, 8)), rng.normal(0.2, 1, (90, 8))
    result = mmd(reference, current, bandwidth=2.5, permutations=20)
    assert result.statistic == pytest.approx(_direct_mmd2(reference, current, 2.5), rel=1e-9, abs=1e-12)


def test_median_heuristic_is_the_median_pairwise_distance():
    rng = np.random.default_rng(1)
    pooled = rng.normal(0, 1, (300, 5))
    assert median_bandwidth(pooled, rng) == pytest.approx(np.median(pdist(pooled)), rel=1e-9)
    result = mmd(pooled[:150], pooled[150:], permutations=10)
    assert result.details["bandwidth"] == pytest.approx(np.median(pdist(pooled)), rel=1e-9)


def test_every_relabelling_statistic_matches_the_direct_formula():
    rng = np.random.default_rng(2)
    pooled = rng.normal(0, 1, (60, 4))
    gram = np.exp(-cdist(pooled, pooled, "sqeuclidean") / (2 * 1.7**2))
    indicators = np.zeros((60, 5))
    chosen = [rng.permutation(60)[:25] for _ in range(5)]
    for column, rows in enumerate(chosen):
        indicators[rows, column] = 1
    fast = _statistics(gram, indicators, 25)
    for column, rows in enumerate(chosen):
        mask = np.zeros(60, bool)
        mask[rows] = True
        assert fast[column] == pytest.approx(_direct_mmd2(pooled[mask], pooled[~mask], 1.7), rel=1e-9, abs=1e-12)


def test_mmd_detects_a_mean_shift_and_is_reproducible():
    rng = np.random.default_rng(3)
    reference, current = rng.normal(0, 1, (200, 16)), rng.normal(0.3, 1, (200, 16))
    first, second = mmd(reference, current, seed=5), mmd(reference, current, seed=5)
    assert first.drift_detected
    assert first.p_value == pytest.approx(1 / 201)
    assert first == second


def test_mmd_bounds_the_points_per_side():
    rng = np.random.default_rng(4)
    result = mmd(rng.normal(0, 1, (500, 3)), rng.normal(0, 1, (400, 3)), max_points=100, permutations=10)
    assert (result.n_reference, result.n_current) == (100, 100)


def test_centroid_cosine_distance_matches_scipy():
    rng = np.random.default_rng(5)
    reference, current = rng.normal(1, 1, (100, 6)), rng.normal([1, 1, 1, 0, 0, 0], 1, (80, 6))
    result = centroid_cosine(reference, current, permutations=50)
    assert result.statistic == pytest.approx(cosine(reference.mean(axis=0), current.mean(axis=0)), rel=1e-9)
    assert result.drift_detected
    scaled = centroid_cosine(reference, 1.5 * reference[:80], permutations=50)
    assert not scaled.drift_detected  # blind to a change of length along the centroid's direction


def test_bad_embeddings_name_the_column():
    with pytest.raises(ValidationError, match=r"'vec'.*dimensions"):
        mmd(np.zeros((60, 3)), np.zeros((60, 4)), column="vec")
    with pytest.raises(ValidationError, match="'vec' of the current sample has a missing"):
        mmd(np.zeros((60, 3)), np.full((60, 3), np.nan), column="vec")
    with pytest.raises(InsufficientDataError, match="at least 50"):
        mmd(np.zeros((10, 3)), np.zeros((60, 3)))
