"""The profile of rows known only by their counts: exact facts from the moments, estimates from the bins."""

from __future__ import annotations

import numpy as np
import pytest

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.ingest.counted_profile import profile_from_counts, split_infinities
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, NumericalProfile
from aumos_drift_detector.core.statistical.features import FeatureSpec
from aumos_drift_detector.core.summaries import OTHER, NumericBins, count_columns, layout_from_profile
from aumos_drift_detector.core.summaries.counting import count_numeric

SPECS = [
    FeatureSpec("x", kind="numerical", test="psi", threshold=0.3, weight=2.0),
    FeatureSpec("c", kind="categorical"),
]


def _earlier(seed: int = 1, n: int = 20_000) -> ReferenceProfile:
    rng = np.random.default_rng(seed)
    return ReferenceProfile.from_data({"x": rng.normal(0.0, 1.0, n), "c": rng.choice(["a", "b"], n)}, SPECS)


def test_a_continuous_feature_keeps_exact_moments_and_quartiles_within_a_bin() -> None:
    earlier = _earlier()
    layout = layout_from_profile(earlier)
    rng = np.random.default_rng(2)
    values = rng.normal(0.3, 1.5, 50_000)
    values[:40] = np.nan
    values[40:43] = -np.inf
    values[43:45] = np.inf
    profile = profile_from_counts(count_columns(layout, {"x": values, "c": rng.choice(["a", "b"], 50_000)}), earlier)
    x = profile.feature("x")
    assert isinstance(x, NumericalProfile)
    finite = values[np.isfinite(values)]
    assert (x.counted, x.n_total, x.n_missing, x.n_values, x.sorted_values.size) == (True, 50_000, 40, 49_960, 0)
    assert x.n_neg_inf + x.n_pos_inf == 5  # both outer bins hold finite values too: only the total is known
    assert x.summary["mean"] == pytest.approx(finite.mean(), rel=1e-12)
    assert x.summary["std"] == pytest.approx(finite.std(ddof=1), rel=1e-12)
    assert x.summary["population_std"] == pytest.approx(finite.std(), rel=1e-12)
    assert (x.summary["min"], x.summary["max"]) == (finite.min(), finite.max())
    bins = layout.features[0]
    assert isinstance(bins, NumericBins)
    edges = bins.edges
    widest = float(np.max(np.diff(edges[(edges > -2) & (edges < 2)])))  # the quartiles lie well inside (-2, 2)
    for key, quantile in (("p25", 0.25), ("median", 0.5), ("p75", 0.75)):
        assert abs(x.summary[key] - np.quantile(finite, quantile)) <= widest
    assert x.n_distinct == int(
        np.count_nonzero(count_columns(layout, {"x": values, "c": ["a"] * 50_000}).features[0].counts)
    )
    assert x.n_distinct <= np.unique(finite).size
    assert x.edges.size == x.bins - 1
    assert np.all(np.diff(x.edges) > 0)
    assert (x.test, x.threshold, x.weight) == ("psi", 0.3, 2.0)  # the earlier version's


def test_labels_outside_the_bins_are_counted_under_other_and_the_totals_agree() -> None:
    earlier = _earlier()
    layout = layout_from_profile(earlier)
    labels = np.array(["a"] * 500 + ["b"] * 300 + ["z"] * 150 + [None] * 50, dtype=object)
    profile = profile_from_counts(count_columns(layout, {"x": np.zeros(1000), "c": labels}), earlier)
    c = profile.feature("c")
    assert isinstance(c, CategoricalProfile)
    assert (c.labels, c.counts.tolist()) == ((OTHER, "a", "b"), [150, 500, 300])
    assert (c.n_total, c.n_missing, c.n_values) == (1000, 50, 950)
    assert c.kind == "categorical"


def test_the_split_of_infinities_is_exact_when_an_outer_bin_holds_no_finite_value() -> None:
    bins = NumericBins("x", np.array([0.0, 1.0]))
    values = np.array([-np.inf, -np.inf, 0.5, 0.7, 5.0, np.inf])  # the first bin holds only -inf
    assert split_infinities(count_numeric(bins, values), bins.edges) == (2, 1)
    values = np.array([-np.inf, -3.0, 0.5, 0.7, np.inf, np.inf])  # the last bin holds only +inf
    assert split_infinities(count_numeric(bins, values), bins.edges) == (1, 2)


def test_a_feature_with_fewer_usable_values_than_the_profile_needs_is_insufficient_data() -> None:
    earlier = _earlier()
    layout = layout_from_profile(earlier)
    columns = {"x": np.full(500, np.nan), "c": ["a"] * 500}
    with pytest.raises(InsufficientDataError, match="feature 'x' has 0 usable reference values"):
        profile_from_counts(count_columns(layout, columns), earlier)
