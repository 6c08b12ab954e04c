import struct

import numpy as np
import pandas as pd
import pytest

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.statistical import (
    CategoricalProfile,
    FeatureSpec,
    NumericalProfile,
    ReferenceProfile,
    evaluate,
)
from aumos_drift_detector.core.statistical.histogram import quantile_edges


def _reference(rng: np.random.Generator, n: int = 3000) -> dict[str, np.ndarray]:
    amount = rng.lognormal(3, 1, n)
    amount[:40] = np.nan
    amount[40:43] = np.inf
    amount[43] = -np.inf
    return {
        "amount": amount,
        "age": rng.integers(18, 90, n).astype(float),
        "plan": rng.choice(np.array(["basic", "pro", "team", None], dtype=object), n, p=[0.5, 0.3, 0.15, 0.05]),
        "churned": rng.integers(0, 2, n),
        "rating": rng.integers(1, 5, n),
    }


@pytest.fixture
def reference() -> dict[str, np.ndarray]:
    return _reference(np.random.default_rng(5))


def _assert_same_profile(left: ReferenceProfile, right: ReferenceProfile) -> None:
    assert left.min_samples == right.min_samples
    assert left.names == right.names
    for a, b in zip(left.features, right.features, strict=True):
        assert type(a) is type(b)
        assert (a.name, a.kind, a.test, a.threshold, a.weight, a.n_total, a.n_missing) == (
            b.name, b.kind, b.test, b.threshold, b.weight, b.n_total, b.n_missing,
        )  # fmt: skip
        if isinstance(a, NumericalProfile):
            assert isinstance(b, NumericalProfile)
            np.testing.assert_array_equal(a.sorted_values, b.sorted_values)
            np.testing.assert_array_equal(a.edges, b.edges)
            assert (a.bins, a.n_neg_inf, a.n_pos_inf, a.n_distinct, a.summary) == (
                b.bins, b.n_neg_inf, b.n_pos_inf, b.n_distinct, b.summary,
            )  # fmt: skip
        else:
            assert isinstance(b, CategoricalProfile)
            assert a.labels == b.labels
            np.testing.assert_array_equal(a.counts, b.counts)


def test_profile_survives_a_round_trip_through_bytes(reference):
    profile = ReferenceProfile.from_data(reference, min_samples=7)
    restored = ReferenceProfile.from_bytes(profile.to_bytes())
    _assert_same_profile(profile, restored)
    assert restored.to_bytes() == profile.to_bytes()


def test_restored_profile_gives_the_same_verdict(reference):
    current = _reference(np.random.default_rng(6))
    profile = ReferenceProfile.from_data(reference)
    restored = ReferenceProfile.from_bytes(profile.to_bytes())
    assert evaluate(restored, current).to_dict() == evaluate(profile, current).to_dict()


def test_restored_arrays_are_read_only_views(reference):
    restored = ReferenceProfile.from_bytes(ReferenceProfile.from_data(reference).to_bytes())
    amount = restored.feature("amount")
    assert isinstance(amount, NumericalProfile)
    with pytest.raises(ValueError, match="read-only"):
        amount.sorted_values[0] = 1.0


def test_unknown_format_version_is_rejected_with_a_clear_error(reference):
    payload = bytearray(ReferenceProfile.from_data(reference).to_bytes())
    struct.pack_into("<I", payload, 8, 99)
    with pytest.raises(ValidationError, match=r"format version 99 \(this build reads version 1\)"):
        ReferenceProfile.from_bytes(bytes(payload))


def test_foreign_bytes_are_not_a_profile():
    with pytest.raises(ValidationError, match="not a reference profile"):
        ReferenceProfile.from_bytes(b"PK\x03\x04 a zip file, perhaps")


def test_truncated_profile_is_rejected(reference):
    payload = ReferenceProfile.from_data(reference).to_bytes()
    with pytest.raises(ValidationError, match="truncated"):
        ReferenceProfile.from_bytes(payload[: len(payload) // 2])


def test_numerical_profile_keeps_sorted_values_infinities_and_counts(reference):
    amount = ReferenceProfile.from_data(reference).feature("amount")
    assert isinstance(amount, NumericalProfile)
    raw = reference["amount"]
    np.testing.assert_array_equal(amount.sorted_values, np.sort(raw[~np.isnan(raw)]))
    assert (amount.n_total, amount.n_missing, amount.n_pos_inf, amount.n_neg_inf) == (3000, 40, 3, 1)
    finite = raw[np.isfinite(raw)]
    assert amount.summary["mean"] == pytest.approx(finite.mean())
    assert amount.summary["std"] == pytest.approx(finite.std(ddof=1))
    assert amount.summary["median"] == pytest.approx(np.median(finite))
    assert (amount.summary["min"], amount.summary["max"]) == (finite.min(), finite.max())


def test_quantile_edges_are_those_the_binned_tests_compute(reference):
    age = ReferenceProfile.from_data(reference, n_bins=8).feature("age")
    assert isinstance(age, NumericalProfile)
    np.testing.assert_array_equal(age.edges, quantile_edges(age.sorted_values, 8))
    assert age.bins == 8


def test_categorical_profile_holds_sorted_labels_counts_and_missing(reference):
    plan = ReferenceProfile.from_data(reference).feature("plan")
    assert isinstance(plan, CategoricalProfile)
    labels, counts = np.unique(reference["plan"][reference["plan"] != None], return_counts=True)  # noqa: E711
    assert plan.labels == tuple(labels)
    assert plan.counts.tolist() == counts.tolist()
    assert plan.n_missing == int(np.sum(reference["plan"] == None))  # noqa: E711
    assert plan.codes == {label: code for code, label in enumerate(labels)}


def test_kinds_and_tests_are_chosen_automatically(reference):
    profile = ReferenceProfile.from_data(reference)
    chosen = {item.name: (item.kind, item.test) for item in profile.features}
    assert chosen == {
        "amount": ("numerical", "wasserstein"),
        "age": ("numerical", "wasserstein"),
        "plan": ("categorical", "jensen_shannon"),
        "churned": ("binary", "jensen_shannon"),
        "rating": ("categorical", "jensen_shannon"),
    }
    small = ReferenceProfile.from_data({name: values[:500] for name, values in reference.items()})
    assert [item.test for item in small.features] == ["ks", "ks", "chi_squared", "z_test", "chi_squared"]


def test_feature_spec_overrides_kind_test_threshold_and_weight(reference):
    profile = ReferenceProfile.from_data(
        reference,
        [FeatureSpec("age", test="psi", threshold=0.2, weight=3.0), FeatureSpec("rating", kind="numerical")],
    )
    age, rating = profile.features
    assert (age.test, age.threshold, age.weight) == ("psi", 0.2, 3.0)
    assert (rating.kind, rating.test) == ("numerical", "wasserstein")


def test_test_that_does_not_fit_the_kind_is_rejected(reference):
    with pytest.raises(ValidationError, match="'ks' does not apply to categorical feature 'plan'"):
        ReferenceProfile.from_data(reference, [FeatureSpec("plan", test="ks")])


def test_unknown_test_is_rejected(reference):
    with pytest.raises(ValidationError, match="unknown statistical test 'magic'"):
        ReferenceProfile.from_data(reference, [FeatureSpec("age", test="magic")])


def test_integer_and_float_spellings_of_a_category_are_one_label():
    frame = pd.DataFrame({"code": [1.0, 2.0, 3.0, np.nan] * 5})
    profile = ReferenceProfile.from_data(frame, [FeatureSpec("code", kind="categorical")])
    code = profile.feature("code")
    assert isinstance(code, CategoricalProfile)
    assert code.labels == ("1", "2", "3")
    assert code.n_missing == 5


def test_too_few_reference_values_name_the_feature_and_counts():
    data = {"x": np.array([1.0, np.nan, 2.0, np.nan, 3.0, 4.0, 5.0, 6.0])}
    with pytest.raises(InsufficientDataError, match=r"'x' has 6 usable reference values \(of 8 rows\), at least 10"):
        ReferenceProfile.from_data(data, min_samples=10)
    assert ReferenceProfile.from_data(data, min_samples=6).min_samples == 6


def test_two_dimensional_array_needs_column_names():
    matrix = np.random.default_rng(1).normal(size=(100, 2))
    assert ReferenceProfile.from_data(matrix, columns=["a", "b"]).names == ("a", "b")
    with pytest.raises(ValidationError, match="one column name per column"):
        ReferenceProfile.from_data(matrix)


def test_unknown_column_is_rejected(reference):
    with pytest.raises(ValidationError, match="column 'income' not found"):
        ReferenceProfile.from_data(reference, ["income"])
