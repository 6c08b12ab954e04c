"""Summaries merged in any order and grouping equal the summary of all the rows at once."""

import itertools
import math
from functools import reduce

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries import (
    CategoricalBins,
    NumericBins,
    NumericCounts,
    SummaryLayout,
    WindowSummary,
    count_columns,
    merge_all,
)

LAYOUT = SummaryLayout(
    (
        NumericBins("x", np.array([-1.0, -0.25, 0.0, 0.5, 2.0])),
        CategoricalBins("c", ("a", "b", "c")),
    )
)
NUMBERS = st.one_of(
    st.floats(min_value=-3, max_value=3, allow_nan=False),
    st.sampled_from([-1.0, 0.0, 0.5, 2.0, math.nan, math.inf, -math.inf]),
)
LABELS = st.sampled_from(["a", "b", "c", "d", "zz", None, 1, 2.0])
ROWS = st.lists(st.tuples(NUMBERS, LABELS), min_size=0, max_size=60)


def _summary(rows):
    return count_columns(LAYOUT, {"x": [row[0] for row in rows], "c": [row[1] for row in rows]})


def _assert_equal(left: WindowSummary, right: WindowSummary) -> None:
    assert left.rows == right.rows
    for a, b in zip(left.features, right.features, strict=True):
        assert a.counts.tolist() == b.counts.tolist()
        if hasattr(a, "moments"):
            assert (a.moments.count, a.moments.missing) == (b.moments.count, b.moments.missing)
            assert (a.moments.minimum, a.moments.maximum) == (b.moments.minimum, b.moments.maximum)
            assert a.moments.total == pytest.approx(b.moments.total, rel=1e-12, abs=1e-12)
            assert a.moments.total_squares == pytest.approx(b.moments.total_squares, rel=1e-12, abs=1e-12)
        else:
            assert a.missing == b.missing


@settings(max_examples=200, deadline=None)
@given(rows=ROWS, cuts=st.lists(st.integers(0, 60), max_size=6), order=st.randoms(use_true_random=False))
def test_any_split_merged_in_any_order_and_grouping_equals_the_whole(rows, cuts, order):
    bounds = sorted({0, len(rows), *(min(cut, len(rows)) for cut in cuts)})
    parts = [_summary(rows[start:end]) for start, end in itertools.pairwise(bounds)]
    whole = _summary(rows)
    order.shuffle(parts)
    _assert_equal(merge_all(LAYOUT, parts), whole)
    _assert_equal(reduce(WindowSummary.merge, parts, WindowSummary.empty(LAYOUT)), whole)
    if len(parts) >= 3:  # (a + b) + rest == a + (b + rest)
        right_first = parts[0].merge(merge_all(LAYOUT, parts[1:]))
        left_first = parts[0].merge(parts[1]).merge(merge_all(LAYOUT, parts[2:]))
        _assert_equal(right_first, left_first)


@settings(max_examples=100, deadline=None)
@given(rows=ROWS)
def test_the_empty_summary_is_the_identity(rows):
    summary = _summary(rows)
    _assert_equal(summary.merge(WindowSummary.empty(LAYOUT)), summary)
    _assert_equal(WindowSummary.empty(LAYOUT).merge(summary), summary)


def test_counts_and_moments_of_a_known_batch():
    summary = count_columns(
        LAYOUT, {"x": [-2.0, -1.0, 0.0, 0.25, 3.0, math.nan, math.inf], "c": ["a", "a", "d", None, 1, "c", "b"]}
    )
    x, c = summary.features
    # bins: (-inf,-1) [-1,-0.25) [-0.25,0) [0,0.5) [0.5,2) [2,inf]
    assert x.counts.tolist() == [1, 1, 0, 2, 0, 2]
    assert (x.moments.count, x.moments.missing, x.moments.minimum, x.moments.maximum) == (5, 1, -2.0, 3.0)
    assert x.moments.total == pytest.approx(0.25)
    assert x.moments.total_squares == pytest.approx(4 + 1 + 0.0625 + 9)
    assert c.counts.tolist() == [2, 1, 1, 2]  # a, b, c, other (d and 1)
    assert c.missing == 1
    assert summary.rows == 7


def test_summaries_on_different_layouts_do_not_merge():
    other = SummaryLayout((NumericBins("x", np.array([0.0])), CategoricalBins("c", ("a",))))
    with pytest.raises(ValidationError, match="different bins"):
        WindowSummary.empty(LAYOUT).merge(WindowSummary.empty(other))
    with pytest.raises(ValidationError, match="different bins"):
        merge_all(LAYOUT, [WindowSummary.empty(other)])


def test_summaries_without_features_still_add_their_rows():
    layout = SummaryLayout(())
    parts = [count_columns(layout, {}), WindowSummary(layout, (), 7), WindowSummary(layout, (), 5)]
    assert merge_all(layout, parts).rows == 12


def test_merge_all_of_nothing_is_empty():
    empty = merge_all(LAYOUT, [])
    assert empty.rows == 0
    assert all(int(item.counts.sum()) == 0 for item in empty.features)


def _rows(rng: np.random.Generator, n: int) -> list[tuple[float, str | None]]:
    labels = ["a", "b", "zz", None]
    return [(float(rng.normal()), labels[int(rng.integers(4))]) for _ in range(n)]


def test_a_summary_from_its_flat_counts_equals_the_one_built_feature_by_feature() -> None:
    built = _summary(_rows(np.random.default_rng(3), 40))
    extras = [item.moments if isinstance(item, NumericCounts) else item.missing for item in built.features]
    rebuilt = WindowSummary.from_flat(LAYOUT, built.flat_counts.copy(), extras, built.rows)
    _assert_equal(rebuilt, built)
    assert not rebuilt.flat_counts.flags.writeable
    assert all(np.shares_memory(item.counts, rebuilt.flat_counts) for item in rebuilt.features)


def test_flat_counts_that_do_not_fit_the_layout_are_refused() -> None:
    built = _summary(_rows(np.random.default_rng(4), 10))
    extras = [item.moments if isinstance(item, NumericCounts) else item.missing for item in built.features]
    with pytest.raises(ValidationError, match="must match its layout"):
        WindowSummary.from_flat(LAYOUT, built.flat_counts[:-1].copy(), extras, built.rows)
    with pytest.raises(ValidationError, match="counted differently"):
        WindowSummary.from_flat(LAYOUT, built.flat_counts.copy(), extras[::-1], built.rows)
    negative = built.flat_counts.copy()
    negative[0] = -1
    with pytest.raises(ValidationError, match="non-negative"):
        WindowSummary.from_flat(LAYOUT, negative, extras, built.rows)
