import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate
from aumos_drift_detector.core.statistical.wasserstein import wasserstein, wasserstein_sorted


@pytest.mark.parametrize("seed", range(6))
def test_wasserstein_equals_scipy_distance_over_reference_std(seed):
    rng = np.random.default_rng(seed)
    reference = np.round(rng.normal(3, 2, rng.integers(2, 4000)), seed % 3)
    current = np.round(rng.normal(3.5, 2.5, rng.integers(2, 4000)), seed % 3)
    expected = stats.wasserstein_distance(reference, current) / np.std(reference)
    assert wasserstein(reference, current, min_samples=1).statistic == pytest.approx(expected, rel=1e-10)


def test_wasserstein_excludes_infinities_and_counts_them():
    result = wasserstein([1.0, 2.0, 3.0, 4.0, 5.0, math.inf], [1.0, 2.0, 3.0, 4.0, 5.0, -math.inf])
    assert result.statistic == 0.0
    assert (result.details["infinite_reference"], result.details["infinite_current"]) == (1, 1)


def test_wasserstein_constant_reference_is_zero_or_infinite():
    assert wasserstein([2.0] * 5, [2.0] * 5).statistic == 0.0
    assert wasserstein([2.0] * 5, [3.0] * 5).statistic == math.inf


def test_wasserstein_needs_finite_values():
    with pytest.raises(InsufficientDataError):
        wasserstein([math.inf] * 5, [1.0] * 5)


def test_wasserstein_is_zero_for_identical_samples_and_finds_a_fifth_sigma_shift():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=10_000)
    assert wasserstein(reference, reference).statistic == 0.0
    assert wasserstein(reference, rng.normal(0.2, 1, 10_000)).drift_detected


def test_wasserstein_kernel_uses_a_given_reference_std_and_otherwise_computes_it():
    rng = np.random.default_rng(11)
    reference, current = np.sort(rng.normal(0, 2, 500)), np.sort(rng.normal(1, 2, 700))
    computed = wasserstein_sorted(reference, current)
    assert computed.details["reference_std"] == np.std(reference)
    given = wasserstein_sorted(reference, current, reference_std=4.0)
    assert given.statistic == pytest.approx(computed.details["raw_distance"] / 4.0, rel=1e-15)


def test_engine_passes_the_profiled_population_std_to_wasserstein():
    rng = np.random.default_rng(12)
    reference = {"x": np.append(rng.normal(5, 3, 2000), [np.inf, np.nan])}
    current = {"x": rng.normal(5.5, 3, 1500)}
    profile = ReferenceProfile.from_data(reference)
    assert profile.feature("x").summary["population_std"] == np.std(reference["x"][:2000])
    stored = ReferenceProfile.from_bytes(profile.to_bytes())
    feature = evaluate(stored, current).feature("x")
    assert feature.result == wasserstein(reference["x"], current["x"])


def test_profiles_written_without_population_std_give_the_same_result():
    rng = np.random.default_rng(13)
    reference, current = {"x": rng.normal(0, 1, 3000)}, {"x": rng.normal(0.2, 1, 3000)}
    profile = ReferenceProfile.from_data(reference)
    feature = profile.feature("x")
    older = dataclasses.replace(feature, summary={k: v for k, v in feature.summary.items() if k != "population_std"})
    assert evaluate(ReferenceProfile((older,)), current).features == evaluate(profile, current).features
