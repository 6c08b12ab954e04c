import pytest

from aumos_drift_detector.core.statistical.l_infinity import l_infinity, l_infinity_counts


def test_l_infinity_is_the_largest_change_of_one_share():
    result = l_infinity(["a"] * 50 + ["b"] * 50, ["a"] * 20 + ["b"] * 50 + ["c"] * 30)
    assert result.statistic == pytest.approx(0.3)
    assert result.drift_detected
    assert result.details["categories"] == ["a", "b", "c"]


def test_l_infinity_edge_cases():
    assert l_infinity_counts([3, 3], [3, 3], ["x", "y"]).statistic == 0.0
    assert l_infinity([True] * 6, [True] * 6).statistic == 0.0
    assert l_infinity_counts([6, 0], [0, 6]).statistic == 1.0
