"""Statistics from summaries equal the raw-data statistics on the same bins, checked against scipy."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.hellinger import hellinger_sorted
from aumos_drift_detector.core.statistical.jensen_shannon import jensen_shannon_sorted
from aumos_drift_detector.core.statistical.l_infinity import l_infinity_sorted
from aumos_drift_detector.core.statistical.psi import psi_sorted
from aumos_drift_detector.core.summaries import (
    CategoricalBins,
    NumericBins,
    SummaryLayout,
    compare_feature,
    compare_summaries,
    count_columns,
    layout_from_profile,
    merge_all,
    reference_summary,
    wasserstein_interval,
)

RAW_KERNELS = {
    "psi": psi_sorted,
    "jensen_shannon": jensen_shannon_sorted,
    "hellinger": hellinger_sorted,
    "l_infinity": l_infinity_sorted,
}


def _numeric(reference, current, edges):
    layout = SummaryLayout((NumericBins("x", edges),))
    return layout, count_columns(layout, {"x": reference}), count_columns(layout, {"x": current})


@pytest.mark.parametrize("test", sorted(RAW_KERNELS))
@pytest.mark.parametrize("seed", range(6))
def test_binned_distances_equal_the_raw_path_on_the_same_edges(test, seed):
    rng = np.random.default_rng(seed)
    reference = rng.gamma(2.0, size=int(rng.integers(100, 5000)))
    current = rng.gamma(2.0 + seed / 5, size=int(rng.integers(100, 5000)))
    edges = np.unique(np.quantile(reference, np.arange(1, 200) / 200))
    layout, ref, cur = _numeric(reference, current, edges)
    from_counts = compare_feature(test, layout.features[0], ref.features[0], cur.features[0], bins_for_distances=None)
    raw = RAW_KERNELS[test](np.sort(reference), np.sort(current), edges=edges)
    assert from_counts.statistic == pytest.approx(raw.statistic, rel=1e-12, abs=1e-15)
    assert from_counts.p_value == pytest.approx(raw.p_value, rel=1e-12) if raw.p_value is not None else True
    assert from_counts.drift_detected == raw.drift_detected


def _categorical(reference, current, labels):
    layout = SummaryLayout((CategoricalBins("c", labels),))
    return layout, count_columns(layout, {"c": reference}), count_columns(layout, {"c": current})


@settings(max_examples=80, deadline=None)
@given(
    weights=st.lists(st.integers(1, 20), min_size=2, max_size=6),
    shift=st.integers(0, 3),
    seed=st.integers(0, 10_000),
)
def test_categorical_tests_equal_scipy(weights, shift, seed):
    rng = np.random.default_rng(seed)
    labels = tuple(f"l{index}" for index in range(len(weights)))
    p = np.array(weights, float) / sum(weights)
    reference = rng.choice(labels, size=3000, p=p)
    current = rng.choice(labels, size=2000, p=np.roll(p, shift))
    layout, ref, cur = _categorical(reference, current, labels)
    bins = layout.features[0]
    table = np.vstack((ref.features[0].counts[:-1], cur.features[0].counts[:-1]))
    table = table[:, table.sum(axis=0) > 0]
    chi = compare_feature("chi_squared", bins, ref.features[0], cur.features[0])
    expected = stats.chi2_contingency(table, correction=False)
    if expected.expected_freq.min() >= 5:  # no pooling of rare categories
        assert chi.statistic == pytest.approx(expected.statistic, rel=1e-9)
        assert chi.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    p_hat, q_hat = table[0] / table[0].sum(), table[1] / table[1].sum()
    js = compare_feature("jensen_shannon", bins, ref.features[0], cur.features[0])
    assert js.statistic == pytest.approx(distance.jensenshannon(p_hat, q_hat, base=2), abs=1e-9)
    hellinger = compare_feature("hellinger", bins, ref.features[0], cur.features[0])
    assert hellinger.statistic == pytest.approx(np.sqrt(np.sum((np.sqrt(p_hat) - np.sqrt(q_hat)) ** 2) / 2), abs=1e-9)


def test_unseen_labels_count_in_other_and_are_seen_as_drift():
    layout, ref, cur = _categorical(["a"] * 500 + ["b"] * 500, ["a"] * 500 + ["new"] * 500, ("a", "b"))
    result = compare_feature("chi_squared", layout.features[0], ref.features[0], cur.features[0])
    assert cur.features[0].counts.tolist() == [500, 0, 500]
    assert result.drift_detected


@pytest.mark.parametrize("seed", range(200))
def test_the_wasserstein_bound_contains_scipy_and_the_estimate(seed):
    rng = np.random.default_rng(seed)
    reference = rng.normal(0, 1, int(rng.integers(20, 2000)))
    current = rng.normal(float(rng.choice([0.0, 0.1, 1.0])), float(rng.choice([1.0, 2.0])), int(rng.integers(20, 2000)))
    if seed % 3 == 0:
        reference, current = np.round(reference, 1), np.round(current, 1)
    edges = np.unique(np.quantile(reference, np.arange(1, 100) / 100))
    _, ref, cur = _numeric(reference, current, edges)
    lower, estimate, upper = wasserstein_interval(ref.features[0], cur.features[0], edges)
    exact = stats.wasserstein_distance(reference, current)
    assert lower - 1e-9 <= exact <= upper + 1e-9
    assert lower - 1e-12 <= estimate <= upper + 1e-12


def test_wasserstein_from_counts_is_close_to_the_raw_distance_with_thousands_of_bins():
    rng = np.random.default_rng(2)
    reference, current = rng.normal(0, 1, 200_000), rng.normal(0.2, 1.1, 100_000)
    edges = np.unique(np.quantile(reference, np.arange(1, 4000) / 4000))
    layout, ref, cur = _numeric(reference, current, edges)
    result = compare_feature("wasserstein", layout.features[0], ref.features[0], cur.features[0])
    exact = stats.wasserstein_distance(reference, current) / np.std(reference)
    assert result.details["statistic_lower"] <= exact <= result.details["statistic_upper"]
    assert result.statistic == pytest.approx(exact, rel=0.02)
    assert result.details["reference_std"] == pytest.approx(np.std(reference), rel=1e-9)


def test_wasserstein_refuses_infinities_naming_the_feature():
    layout, ref, cur = _numeric(np.array([0.0, 1.0]), np.array([0.5, math.inf]), np.array([0.5]))
    with pytest.raises(ValidationError, match="'x'"):
        compare_feature("wasserstein", layout.features[0], ref.features[0], cur.features[0])


def test_numeric_only_and_unknown_tests_are_refused():
    layout, ref, cur = _categorical(["a"], ["a"], ("a",))
    with pytest.raises(ValidationError, match="numeric"):
        compare_feature("ks", layout.features[0], ref.features[0], cur.features[0])
    with pytest.raises(ValidationError, match="anderson_darling"):
        compare_feature("anderson_darling", layout.features[0], ref.features[0], cur.features[0])


def test_a_month_of_hourly_summaries_against_a_profile():
    rng = np.random.default_rng(8)
    profile = ReferenceProfile.from_data(
        {"x": rng.normal(0, 1, 20_000), "c": rng.choice(["a", "b", "c"], 20_000, p=[0.5, 0.3, 0.2])}
    )
    layout = layout_from_profile(profile, n_bins=1000)
    hours = [
        count_columns(layout, {"x": rng.normal(0, 1, 100), "c": rng.choice(["a", "b", "c"], 100, p=[0.2, 0.3, 0.5])})
        for _ in range(720)
    ]
    results = compare_summaries(
        reference_summary(profile, layout), merge_all(layout, hours), {"x": "ks", "c": "chi_squared"}
    )
    assert results["c"].drift_detected
    assert results["c"].n_current == 72_000
    assert results["x"].n_current == 72_000
    assert results["x"].details["binning"] == "summary"


def test_comparing_summaries_of_different_layouts_is_refused():
    one = SummaryLayout((NumericBins("x", np.array([0.0])),))
    two = SummaryLayout((NumericBins("x", np.array([1.0])),))
    with pytest.raises(ValidationError, match="different bins"):
        compare_summaries(count_columns(one, {"x": [1.0]}), count_columns(two, {"x": [1.0]}), {"x": "ks"})
