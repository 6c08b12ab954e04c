import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aumos_drift_detector.core.summaries.counting import binned_counts, numeric_bin_counts, sorted_counts
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


FINITE_EDGES = st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=40).map(
    lambda edges: np.unique(np.array(edges, float) + 0.0)
)


@settings(max_examples=300, deadline=None)
@given(values=VALUES, edges=FINITE_EDGES, extra=st.lists(st.integers(0, 39), max_size=20))
def test_the_compiled_pass_counts_exactly_as_the_sort_whatever_the_edges(values, edges, extra):
    # Values exactly on edges and one ulp either side of them are where a bucket lookup could go wrong.
    near = [edges[i % edges.size] for i in extra]
    near += [np.nextafter(edge, -np.inf) for edge in near] + [np.nextafter(edge, np.inf) for edge in near]
    array = np.array(values + near, dtype=float)
    counts, moments = binned_counts(array, edges)
    expected_counts, expected = sorted_counts(array, edges)
    assert counts.tolist() == expected_counts.tolist()
    assert (moments.count, moments.missing, moments.minimum, moments.maximum) == (
        expected.count,
        expected.missing,
        expected.minimum,
        expected.maximum,
    )


def test_the_compiled_pass_counts_skewed_quantile_edges_and_large_batches_exactly():
    rng = np.random.default_rng(5)
    for reference in (rng.lognormal(0, 3, 50_000), rng.normal(size=50_000), rng.integers(0, 5, 50_000) * 1.0):
        edges = np.unique(np.quantile(reference, np.linspace(0, 1, 2_001)[1:-1]))
        current = np.concatenate([rng.permutation(reference)[:200_000], edges, [np.nan, np.inf, -np.inf, -0.0]])
        counts, moments = binned_counts(current, edges)
        expected_counts, expected = sorted_counts(current, edges)
        assert counts.tolist() == expected_counts.tolist()
        assert math.isclose(moments.total, expected.total, rel_tol=1e-9)
        assert math.isclose(moments.total_squares, expected.total_squares, rel_tol=1e-9)
