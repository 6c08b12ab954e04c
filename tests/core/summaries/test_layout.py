import numpy as np
import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries import OTHER, CategoricalBins, NumericBins, SummaryLayout, count_columns
from aumos_drift_detector.core.summaries.feature_counts import NumericCounts
from aumos_drift_detector.core.summaries.moments import Moments
from aumos_drift_detector.core.summaries.window_summary import WindowSummary


def test_numeric_edges_must_increase_strictly():
    with pytest.raises(ValidationError, match="'x'"):
        NumericBins("x", np.array([1.0, 1.0]))
    with pytest.raises(ValidationError, match="'x'"):
        NumericBins("x", np.array([0.0, np.nan]))
    assert NumericBins("x", np.array([0.0, 1.0])).n_bins == 3


def test_edges_are_copied_read_only():
    edges = np.array([0.0, 1.0])
    bins = NumericBins("x", edges)
    edges[0] = 5.0
    assert bins.edges[0] == 0.0
    assert not bins.edges.flags.writeable


def test_labels_must_be_distinct_and_not_other():
    with pytest.raises(ValidationError):
        CategoricalBins("c", ("a", "a"))
    with pytest.raises(ValidationError):
        CategoricalBins("c", ("a", OTHER))
    assert CategoricalBins("c", ("a", "b")).codes == {"a": 0, "b": 1}


def test_fingerprint_tells_layouts_apart():
    one = SummaryLayout((NumericBins("x", np.array([0.0, 1.0])),))
    same = SummaryLayout((NumericBins("x", np.array([0.0, 1.0])),))
    moved = SummaryLayout((NumericBins("x", np.array([0.0, 1.5])),))
    renamed = SummaryLayout((NumericBins("y", np.array([0.0, 1.0])),))
    assert one.fingerprint == same.fingerprint
    assert len({one.fingerprint, moved.fingerprint, renamed.fingerprint}) == 3


def test_duplicate_feature_names_are_refused():
    with pytest.raises(ValidationError, match="distinct"):
        SummaryLayout((NumericBins("x", np.zeros(0)), CategoricalBins("x", ())))


def test_unknown_feature_is_named():
    layout = SummaryLayout((NumericBins("x", np.zeros(0)),))
    with pytest.raises(ValidationError, match="'nope'"):
        layout.index("nope")


def test_counts_must_fit_the_layout():
    layout = SummaryLayout((NumericBins("x", np.array([0.0])),))
    with pytest.raises(ValidationError, match="match its layout"):
        WindowSummary(layout, (NumericCounts("x", [1, 2, 3], Moments()),), 6)
    with pytest.raises(ValidationError, match="non-negative"):
        NumericCounts("x", [1, -2], Moments())


def test_counting_refuses_missing_columns_unequal_lengths_and_text_in_numbers():
    layout = SummaryLayout((NumericBins("x", np.array([0.0])), CategoricalBins("c", ("a",))))
    with pytest.raises(ValidationError, match="'c'"):
        count_columns(layout, {"x": [1.0]})
    with pytest.raises(ValidationError, match="same length"):
        count_columns(layout, {"x": [1.0], "c": ["a", "b"]})
    with pytest.raises(ValidationError, match="'x'"):
        count_columns(layout, {"x": ["high"], "c": ["a"]})


def test_a_negative_zero_edge_is_stored_as_zero():
    bins = NumericBins("x", np.array([-0.0, 1.0]))
    assert not np.signbit(bins.edges[0])
