import math

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.verdict import (
    adjust_p_values,
    check_correction,
    check_drift_share,
    p_value_drifts,
    strength,
    weighted_share,
)


@pytest.mark.parametrize(("correction", "method"), [("bonferroni", "bonferroni"), ("bh", "fdr_bh")])
def test_adjusted_p_values_match_statsmodels(correction, method):
    rng = np.random.default_rng(11)
    for size in (1, 2, 7, 50):
        p_values = np.concatenate([rng.uniform(0, 1, size), rng.uniform(0, 0.01, size)])
        _, expected, _, _ = multipletests(p_values, method=method)
        np.testing.assert_allclose(adjust_p_values(p_values.tolist(), correction), expected, rtol=1e-12)


def test_bh_adjustment_by_hand():
    # sorted p: 0.01, 0.02, 0.03, 0.5 with m=4 -> m*p/k = 0.04, 0.04, 0.04, 0.5
    assert adjust_p_values([0.5, 0.03, 0.01, 0.02], "bh").tolist() == pytest.approx([0.5, 0.04, 0.04, 0.04])


def test_bonferroni_caps_at_one():
    assert adjust_p_values([0.3, 0.001], "bonferroni").tolist() == pytest.approx([0.6, 0.002])
    assert adjust_p_values([0.7, 0.9], "bonferroni").tolist() == [1.0, 1.0]


def test_no_correction_returns_raw_values():
    assert adjust_p_values([0.2, 0.01], "none").tolist() == [0.2, 0.01]
    assert adjust_p_values([], "bh").size == 0


def test_unknown_correction_is_rejected():
    with pytest.raises(ValidationError, match="holm"):
        check_correction("holm")
    assert check_correction("bh") == "bh"


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5, math.nan])
def test_drift_share_outside_unit_interval_is_rejected(share):
    with pytest.raises(ValidationError):
        check_drift_share(share)


def test_p_value_rule_is_strict():
    assert p_value_drifts(0.049, 0.05)
    assert not p_value_drifts(0.05, 0.05)


def test_strength_is_one_on_the_boundary_and_grows_with_drift():
    assert strength(0.1, None, 0.1) == pytest.approx(1.0)
    assert strength(0.0, 0.05, 0.05) == pytest.approx(1.0)
    assert strength(0.0, 1e-10, 0.05) > strength(0.0, 1e-3, 0.05) > strength(0.0, 0.5, 0.05)
    assert strength(0.3, None, 0.1) > strength(0.15, None, 0.1)
    assert strength(0.0, 1.0, 0.05) == 0.0
    assert math.isfinite(strength(0.0, 0.0, 0.05))


def test_weighted_share_uses_importance_weights():
    flags = [True, False, False, False]
    assert weighted_share(flags, [1.0, 1.0, 1.0, 1.0]) == pytest.approx(0.25)
    assert weighted_share(flags, [3.0, 1.0, 1.0, 1.0]) == pytest.approx(0.5)
    assert weighted_share([], []) == 0.0
