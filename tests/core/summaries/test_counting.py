import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aumos_drift_detector.core.summaries.counting import numeric_bin_counts, sorted_counts
from aumos_drift_detector.core.summaries.moments import Moments

VALUES = st.lists(
    st.one_of(st.floats(-1e150, 1e150), st.sampled_from([0.0, -0.0, 1.0, math.nan, math.inf, -math.inf])),
    max_size=80,
)
EDGES = st.lists(st.floats(-1e6, 1e6), max_size=8).map(lambda edges: np.unique(np.array(edges, float) + 0.0))


@settings(max_examples=300, deadline=None)
@given(values=VALUES, edges=EDGES)
def test_bin_counts_follow_the_half_open_convention_whatever_the_share_of_nan(values, edges):
    array = np.array(values, dtype=float)
    present = array[~np.isnan(array)]
    expected = [
        int(np.count_nonzero(np.searchsorted(edges, present, side="right") == b)) for b in range(edges.size + 1)
    ]
    assert numeric_bin_counts(array, edges).tolist() == expected
    counts, moments = sorted_counts(array, edges)
    assert counts.tolist() == expected
    reference = Moments.of(array)
    assert (moments.count, moments.missing, moments.minimum, moments.maximum) == (
        reference.count,
        reference.missing,
        reference.minimum,
        reference.maximum,
    )
    assert math.isclose(
        moments.total, reference.total, rel_tol=1e-9, abs_tol=1e-6 * (1 + abs(reference.total_squares)) ** 0.5
    )
