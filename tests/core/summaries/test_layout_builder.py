import numpy as np
import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical import FeatureSpec, ReferenceProfile
from aumos_drift_detector.core.summaries import (
    OTHER,
    CategoricalBins,
    NumericBins,
    count_columns,
    layout_from_profile,
    numeric_edges,
    reference_summary,
)


def _profile(rng):
    data = {
        "x": np.concatenate((rng.normal(0, 1, 4000), [np.nan] * 7)),
        "level": rng.integers(0, 5, 4007).astype(float),
        "c": rng.choice([f"k{index}" for index in range(30)], 4007),
    }
    features = [FeatureSpec("x"), FeatureSpec("level", kind="numerical"), FeatureSpec("c")]
    return data, ReferenceProfile.from_data(data, features)


def test_numeric_edges_are_reference_quantiles_or_the_distinct_values():
    rng = np.random.default_rng(0)
    values = np.sort(rng.normal(size=10_000))
    edges = numeric_edges(values, 1000)
    assert edges.size == 999
    shares = np.diff(np.searchsorted(values, edges)) / values.size
    assert shares.min() >= 0.0009
    assert shares.max() <= 0.0011
    assert numeric_edges(np.array([3.0, 1.0, 1.0, np.nan])[[1, 2, 0, 3]], 10).tolist() == [1.0, 3.0]
    assert numeric_edges(np.array([np.nan]), 10).size == 0
    with pytest.raises(ValidationError, match="n_bins"):
        numeric_edges(values, 0)


def test_the_reference_summary_equals_counting_the_reference_rows():
    rng = np.random.default_rng(1)
    data, profile = _profile(rng)
    layout = layout_from_profile(profile, n_bins=500, max_categories=10)
    from_profile = reference_summary(profile, layout)
    counted = count_columns(layout, data)
    for left, right in zip(from_profile.features, counted.features, strict=True):
        assert left.counts.tolist() == right.counts.tolist()
    x = from_profile.feature("x")
    assert x.moments.missing == 7
    assert x.moments.count == 4000
    assert x.moments.total == pytest.approx(np.nansum(data["x"]), rel=1e-9)
    assert from_profile.rows == 4007


def test_few_distinct_values_get_one_bin_each_and_categories_keep_the_most_frequent():
    rng = np.random.default_rng(2)
    _, profile = _profile(rng)
    layout = layout_from_profile(profile, n_bins=500, max_categories=10)
    level = layout.features[layout.index("level")]
    assert isinstance(level, NumericBins)
    assert level.edges.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    c = layout.features[layout.index("c")]
    assert isinstance(c, CategoricalBins)
    assert len(c.labels) == 10
    counts = dict(zip(profile.feature("c").labels, profile.feature("c").counts.tolist(), strict=True))
    kept = min(counts[label] for label in c.labels)
    dropped = max(count for label, count in counts.items() if label not in c.labels)
    assert kept >= dropped
    summary = reference_summary(profile, layout)
    assert int(summary.feature("c").counts[-1]) == sum(n for label, n in counts.items() if label not in c.labels)
    assert OTHER not in c.labels


def test_infinite_reference_values_never_become_edges():
    values = np.array([-np.inf, -np.inf, 0.0, 1.0, np.inf])
    assert numeric_edges(values, 10).tolist() == [0.0, 1.0]
    assert np.isfinite(numeric_edges(np.sort(np.r_[np.full(50, np.inf), np.arange(50.0)]), 20)).all()
    with pytest.raises(ValidationError, match="finite"):
        NumericBins("x", np.array([-np.inf, 0.0]))
