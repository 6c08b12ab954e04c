"""Null calibration of the summary path by seeded simulation (a smaller run of scripts/simulate_summaries.py).

1,000 replications per case: the standard error of an observed false-positive rate at alpha = 0.05 is
0.69 percentage points, so the 2-point tolerance is about three standard errors. Seeds are fixed.
"""

import numpy as np
import pytest

from aumos_drift_detector.core.summaries import NumericBins, SummaryLayout, compare_feature, count_columns
from aumos_drift_detector.core.summaries.layout_builder import numeric_edges

ALPHA = 0.05
REPLICATIONS = 1_000
TOLERANCE = 0.02


def _false_positive_rates(n_reference, n_current, seed):
    rng = np.random.default_rng(seed)
    hits = {"ks": 0, "psi": 0, "chi_squared": 0}
    for _ in range(REPLICATIONS):
        reference, current = rng.normal(0, 1, n_reference), rng.normal(0, 1, n_current)
        layout = SummaryLayout((NumericBins("x", numeric_edges(np.sort(reference), 2000)),))
        ref = count_columns(layout, {"x": reference}).features[0]
        cur = count_columns(layout, {"x": current}).features[0]
        for test in hits:
            hits[test] += compare_feature(test, layout.features[0], ref, cur, threshold=ALPHA).p_value < ALPHA
    return {test: count / REPLICATIONS for test, count in hits.items()}


@pytest.mark.slow
@pytest.mark.parametrize(("n_reference", "n_current", "seed"), [(1000, 200, 31), (200, 1000, 32), (5000, 1000, 33)])
def test_false_positive_rates_on_summaries_are_within_two_points_of_alpha(n_reference, n_current, seed):
    rates = _false_positive_rates(n_reference, n_current, seed)
    for test, rate in rates.items():
        assert abs(rate - ALPHA) <= TOLERANCE, (test, rate)
