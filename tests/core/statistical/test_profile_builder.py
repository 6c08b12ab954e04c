"""ProfileBuilder: a profile built from batches equals the profile of the whole table, byte for byte."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.statistical import FeatureSpec, ReferenceProfile
from aumos_drift_detector.core.statistical.features import normalise_specs
from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder


def _table(rng: np.random.Generator, n: int = 50_000) -> pa.Table:
    amount = rng.lognormal(3, 1, n)
    amount[rng.random(n) < 0.01] = np.nan
    amount[[5, 17_000]] = np.inf
    amount[33_000] = -np.inf
    return pa.table(
        {
            "amount": amount,
            "visits": pa.array(rng.integers(0, 1000, n)).cast(pa.int32()),
            "churned": pa.array(rng.random(n) < 0.3),
            "plan": pa.array([None if k % 97 == 0 else p for k, p in enumerate(rng.choice(["a", "b", "c"], n))]),
            "rating": pa.array(rng.integers(1, 5, n)),
            "late_variety": pa.array(np.r_[np.zeros(20_000), rng.integers(0, 50, n - 20_000)]),
            "sparse": pa.array([None if k % 7 == 0 else float(k % 100) for k in range(n)]),
        }
    )


def _built(table: pa.Table, features: list[FeatureSpec | str] | None, rows_per_batch: int) -> bytes:
    builder = ProfileBuilder(normalise_specs(features, table.column_names))
    assert builder.start(table.column_names)
    for batch in table.to_batches(max_chunksize=rows_per_batch):
        builder.add(batch)
    return builder.payload()


@pytest.mark.parametrize("rows_per_batch", [1_000, 7_777, 50_000])
@pytest.mark.parametrize(
    "features",
    [
        None,
        [
            FeatureSpec("amount", kind="numerical", test="psi"),
            FeatureSpec("rating", kind="categorical"),
            FeatureSpec("churned", kind="binary"),
            FeatureSpec("visits", kind="numerical"),
            "plan",
            "late_variety",
            "sparse",
        ],
    ],
    ids=["automatic", "configured"],
)
def test_batches_give_the_bytes_of_the_whole_table(
    features: list[FeatureSpec | str] | None, rows_per_batch: int
) -> None:
    table = _table(np.random.default_rng(3))
    expected = ReferenceProfile.from_data(table, features).to_bytes()
    assert _built(table, features, rows_per_batch) == expected


def test_automatic_kinds_follow_the_whole_column_not_the_first_batch() -> None:
    table = _table(np.random.default_rng(4))
    builder = ProfileBuilder(normalise_specs(["rating", "late_variety"], table.column_names))
    builder.start(table.column_names)
    for batch in table.to_batches(max_chunksize=10_000):  # late_variety is constant in the first two
        builder.add(batch)
    rating, late_variety = builder.features()
    assert (rating.kind, rating.labels) == ("categorical", ("1", "2", "3", "4"))
    assert late_variety.kind == "numerical"


def test_start_forgets_earlier_batches_and_tells_whether_the_columns_are_there() -> None:
    builder = ProfileBuilder([FeatureSpec("x", kind="numerical")], min_samples=2)
    assert builder.start(["x"])
    builder.add({"x": [100.0, 200.0, 300.0]})
    assert builder.start(["x", "y"])
    builder.add({"x": [1.0, 2.0], "y": ["a", "b"]})
    (feature,) = builder.features()
    assert feature.n_total == 2
    assert feature.sorted_values.tolist() == [1.0, 2.0]
    assert not builder.start(["y"])


def test_a_feature_without_enough_values_is_refused_when_finishing() -> None:
    builder = ProfileBuilder([FeatureSpec("x", kind="numerical")], min_samples=5)
    builder.start(["x"])
    builder.add({"x": [1.0, float("nan"), 3.0]})
    with pytest.raises(InsufficientDataError, match="feature 'x' has 2 usable reference values"):
        builder.payload()


def test_a_builder_needs_features_and_sensible_settings() -> None:
    with pytest.raises(ValidationError, match="no features"):
        ProfileBuilder([])
    with pytest.raises(ValidationError, match="n_bins must be at least 1"):
        ProfileBuilder([FeatureSpec("x")], n_bins=0)


def test_integers_beyond_float_precision_are_counted_as_in_the_whole_table() -> None:
    values = 2**53 + np.arange(4_000, dtype=np.int64) % 8  # eight integers, five distinct as float64
    expected = ReferenceProfile.from_data({"id": values}).to_bytes()
    builder = ProfileBuilder([FeatureSpec("id")])
    builder.start(["id"])
    for start in range(0, values.size, 500):
        builder.add({"id": values[start : start + 500]})
    assert builder.payload() == expected
