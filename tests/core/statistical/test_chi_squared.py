import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.statistical.chi_squared import chi_squared, chi_squared_counts


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("correction", [False, True])
def test_chi_squared_matches_scipy_contingency_on_the_2_by_k_table(seed, correction):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 8))
    reference = rng.choice(k, size=int(rng.integers(200, 3000)), p=rng.dirichlet(np.ones(k) * 5))
    current = rng.choice(k, size=int(rng.integers(200, 3000)), p=rng.dirichlet(np.ones(k) * 5))
    table = np.vstack((np.bincount(reference, minlength=k), np.bincount(current, minlength=k)))
    table = table[:, table.sum(axis=0) > 0]
    expected = stats.chi2_contingency(table, correction=correction)
    result = chi_squared(reference, current, pool_rare=False, correction=correction)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    assert result.details["degrees_of_freedom"] == expected.dof


def test_chi_squared_is_a_homogeneity_test_not_goodness_of_fit():
    # Goodness of fit against reference shares would ignore the reference's own sampling noise.
    result = chi_squared_counts([30, 70], [45, 55], ["a", "b"])
    homogeneity = stats.chi2_contingency([[30, 70], [45, 55]], correction=False)
    goodness = stats.chisquare([45, 55], f_exp=[30, 70])
    assert result.p_value == pytest.approx(homogeneity.pvalue)
    assert result.p_value != pytest.approx(goodness.pvalue)


def test_chi_squared_reports_new_categories_by_name_count_and_share():
    result = chi_squared(["a", "b"] * 50, ["a", "b"] * 40 + ["new"] * 20)
    assert result.details["new_categories"] == [{"category": "new", "count": 20, "share": 0.2}]
    assert result.drift_detected


def test_chi_squared_drops_categories_empty_on_both_sides():
    result = chi_squared_counts([10, 0, 20], [12, 0, 18], ["a", "b", "c"])
    assert result.details["categories"] == ["a", "c"]
    assert result.details["degrees_of_freedom"] == 1


def test_chi_squared_constant_column_gives_p_one_not_nan():
    result = chi_squared(["x"] * 40, ["x"] * 60)
    assert (result.statistic, result.p_value, result.drift_detected) == (0.0, 1.0, False)


def test_chi_squared_single_but_different_category_is_drift():
    assert chi_squared(["x"] * 40, ["y"] * 60).drift_detected


def test_chi_squared_pools_rare_categories_by_cochrans_rule():
    reference = ["a"] * 300 + ["b"] * 300 + ["c"] * 2 + ["d"] * 3 + ["e"] * 1
    current = ["a"] * 290 + ["b"] * 310 + ["c"] * 3 + ["d"] * 2 + ["e"] * 2
    result = chi_squared(reference, current)
    assert result.details["pooled"] == ["c", "d", "e"]
    assert result.details["degrees_of_freedom"] == 2
    unpooled = chi_squared(reference, current, pool_rare=False)
    assert unpooled.details["degrees_of_freedom"] == 4


def test_chi_squared_compares_mixed_str_and_int_labels_as_strings():
    result = chi_squared([1, 2, "3"] * 10, ["1", "2", 3] * 10)
    assert result.statistic == 0.0
    assert result.details["categories"] == ["1", "2", "3"]


def test_chi_squared_raises_insufficient_data_for_empty_current():
    with pytest.raises(InsufficientDataError):
        chi_squared(["a"] * 10, [None, None], feature="colour")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", 1, 2]), min_size=5, max_size=60),
    st.lists(st.sampled_from(["a", "b", "c", 1, 2]), min_size=5, max_size=60),
)
def test_chi_squared_is_non_negative_and_order_invariant(reference, current):
    result = chi_squared(reference, current)
    assert result.statistic >= 0.0
    assert 0.0 <= result.p_value <= 1.0
    assert chi_squared(list(reversed(reference)), current) == result
    assert not chi_squared(reference, reference).drift_detected
