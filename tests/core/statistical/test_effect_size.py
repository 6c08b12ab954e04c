import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

from aumos_drift_detector.core.compilation import DISABLE_VARIABLE
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical import FeatureSpec, ReferenceProfile, evaluate
from aumos_drift_detector.core.statistical.effect_size import categorical_effect_size, numerical_effect_size

NUMERICAL_TESTS = ["ks", "wasserstein", "energy_distance", "psi", "anderson_darling", "cramer_von_mises", "hellinger"]


@pytest.fixture(params=["compiled", "numpy"])
def merge_path(request, monkeypatch):
    """Run the test once with the compiled merge and once with its numpy form."""
    if request.param == "numpy":
        monkeypatch.setenv(DISABLE_VARIABLE, "1")
    else:
        monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    return request.param


def _with_missing(rng, values, share):
    values = values.astype(np.float64)
    values[rng.random(values.size) < share] = np.nan
    return values


def _pair(shape, seed):
    """A seeded reference/current pair of the named shape (the current drawn with a moved parameter)."""
    rng = np.random.default_rng(seed)
    n, m = 3000, 3000
    if shape == "normal":
        return rng.normal(10.0, 2.0, n), rng.normal(10.6, 2.4, m)
    if shape == "skewed":
        return rng.lognormal(1.0, 0.8, n), rng.lognormal(1.2, 0.7, m)
    if shape == "heavy_tailed":
        return rng.standard_t(1.5, n), 0.5 + rng.standard_t(1.5, m)
    if shape == "ties":
        return np.round(rng.normal(0.0, 1.0, n), 1), np.round(rng.normal(0.3, 1.0, m), 1)
    if shape == "missing":
        return _with_missing(rng, rng.normal(0.0, 1.0, n), 0.05), _with_missing(rng, rng.gamma(2.0, 1.0, m), 0.08)
    assert shape == "unequal_n"
    return rng.normal(0.0, 1.0, 4321), rng.normal(0.2, 1.3, 1234)


def _scipy_effect(reference, current):
    """The definition, computed independently: scipy's W1 over numpy's ddof=1 sd, missing values removed."""
    reference, current = reference[~np.isnan(reference)], current[~np.isnan(current)]
    return stats.wasserstein_distance(reference, current) / np.std(reference, ddof=1)


@pytest.mark.parametrize("shape", ["normal", "skewed", "heavy_tailed", "ties", "missing", "unequal_n"])
def test_numerical_effect_is_scipy_wasserstein_over_reference_sd_whatever_the_test(merge_path, shape):
    reference, current = _pair(shape, seed=len(shape))
    expected = _scipy_effect(reference, current)
    for test in NUMERICAL_TESTS:
        profile = ReferenceProfile.from_data({"x": reference}, [FeatureSpec("x", test=test)])
        item = evaluate(profile, {"x": current}).feature("x")
        assert item.effect_unit == "reference_sd"
        assert item.effect_size == pytest.approx(expected, rel=1e-12, abs=0), test


@pytest.mark.parametrize("delta", [0.25, 1.0, 2.0])
def test_location_shift_by_delta_reference_sds_scores_delta(delta):
    # Independent samples of N(5, 3) and N(5 + 3 delta, 3): the effect differs from delta by the sampling
    # error of the mean difference, sqrt(1/n + 1/m) sd, and of the sd estimate, delta / sqrt(2 n); the
    # tolerance is six such standard errors (seeded, so the check is deterministic).
    rng = np.random.default_rng(11)
    n, m = 200_000, 150_000
    reference, current = rng.normal(5.0, 3.0, n), rng.normal(5.0 + 3.0 * delta, 3.0, m)
    item = evaluate(ReferenceProfile.from_data({"x": reference}), {"x": current}).feature("x")
    assert item.effect_size == pytest.approx(delta, abs=6 * math.sqrt(1 / n + 1 / m + delta**2 / (2 * n)))


@pytest.mark.parametrize("delta", [0.1, 0.5, 3.0])
def test_reference_translated_by_delta_sds_scores_exactly_delta(merge_path, delta):
    reference = np.random.default_rng(12).gamma(2.0, 1.5, 5000)
    current = reference + delta * np.std(reference, ddof=1)
    item = evaluate(ReferenceProfile.from_data({"x": reference}), {"x": current}).feature("x")
    assert item.effect_size == pytest.approx(delta, rel=1e-9)


def test_samples_from_one_distribution_have_an_effect_near_zero():
    rng = np.random.default_rng(13)
    reference, current = rng.normal(0.0, 1.0, 200_000), rng.normal(0.0, 1.0, 150_000)
    item = evaluate(ReferenceProfile.from_data({"x": reference}), {"x": current}).feature("x")
    assert 0.0 < item.effect_size < 0.02


def _independent_total_variation(reference, current):
    """Half the L1 distance of the category shares, from np.unique counts over the union of labels."""
    shares = []
    for values in (reference, current):
        present = np.array([value for value in values if value is not None])
        labels, counts = np.unique(present, return_counts=True)
        shares.append(dict(zip(labels.tolist(), (counts / counts.sum()).tolist(), strict=True)))
    union = set(shares[0]) | set(shares[1])
    return 0.5 * sum(abs(shares[0].get(label, 0.0) - shares[1].get(label, 0.0)) for label in union)


@pytest.mark.parametrize("test", ["chi_squared", "jensen_shannon", "psi", "hellinger", "l_infinity"])
def test_categorical_effect_is_total_variation_over_the_union_of_categories(test):
    rng = np.random.default_rng(14)
    reference = rng.choice(np.array(["a", "b", "c", "only_reference", None], dtype=object), 2000,
                           p=[0.4, 0.3, 0.2, 0.05, 0.05])  # fmt: skip
    current = rng.choice(np.array(["a", "b", "c", "only_current", None], dtype=object), 1500,
                         p=[0.2, 0.3, 0.3, 0.15, 0.05])  # fmt: skip
    profile = ReferenceProfile.from_data({"city": reference}, [FeatureSpec("city", kind="categorical", test=test)])
    item = evaluate(profile, {"city": current}).feature("city")
    assert item.effect_unit == "total_variation"
    assert item.effect_size == pytest.approx(_independent_total_variation(reference, current), rel=1e-12)


@pytest.mark.parametrize("test", ["z_test", "jensen_shannon"])
def test_binary_effect_is_the_change_in_the_share_of_either_value(test):
    rng = np.random.default_rng(15)
    reference, current = rng.random(3000) < 0.30, rng.random(2000) < 0.42
    profile = ReferenceProfile.from_data({"flag": reference}, [FeatureSpec("flag", test=test)])
    item = evaluate(profile, {"flag": current}).feature("flag")
    assert item.kind == "binary"
    assert item.effect_unit == "total_variation"
    assert item.effect_size == pytest.approx(abs(reference.mean() - current.mean()), rel=1e-12)


def test_total_variation_is_zero_for_equal_shares_and_one_without_common_category():
    assert categorical_effect_size(np.array([2, 4, 6]), np.array([1, 2, 3])) == 0.0
    assert categorical_effect_size(np.array([5, 5, 0, 0]), np.array([0, 0, 3, 7])) == 1.0


def test_total_variation_refuses_an_empty_sample():
    with pytest.raises(ValidationError, match="at least one counted value"):
        categorical_effect_size(np.array([0, 0]), np.array([1, 2]))


def _constant_reference_effect(current):
    spec = FeatureSpec("x", kind="numerical", test="ks")
    profile = ReferenceProfile.from_data({"x": np.full(50, 0.1)}, [spec])
    return evaluate(profile, {"x": np.asarray(current, dtype=np.float64)}).feature("x")


def test_constant_reference_gives_zero_for_the_same_constant_and_infinity_otherwise():
    assert _constant_reference_effect(np.full(40, 0.1)).effect_size == 0.0
    moved = _constant_reference_effect(np.r_[np.full(39, 0.1), 0.2])
    assert moved.effect_size == math.inf
    assert moved.to_dict()["effect_size"] is None
    assert moved.to_dict()["effect_unit"] == "reference_sd"


def test_infinities_are_left_out_of_the_numerical_effect(merge_path):
    rng = np.random.default_rng(16)
    reference, current = rng.normal(0.0, 1.0, 2000), rng.normal(0.4, 1.0, 1500)
    with_infinities = {"x": np.r_[reference, np.inf, -np.inf]}, {"x": np.r_[current, np.inf, np.inf, np.inf]}
    expected = _scipy_effect(reference, current)
    for test in ("ks", "wasserstein", "psi"):
        profile = ReferenceProfile.from_data(with_infinities[0], [FeatureSpec("x", test=test)])
        assert evaluate(profile, with_infinities[1]).feature("x").effect_size == pytest.approx(expected, rel=1e-12)


def test_a_sample_without_finite_values_scores_zero_only_against_the_same_infinities():
    finite = np.array([1.0, 2.0, 3.0])
    up, down = np.array([np.inf, np.inf]), np.array([-np.inf, np.inf])
    assert numerical_effect_size(finite, up) == math.inf
    assert numerical_effect_size(up, finite) == math.inf
    assert numerical_effect_size(up, np.array([np.inf])) == 0.0
    assert numerical_effect_size(down, np.array([-np.inf, -np.inf, np.inf, np.inf])) == 0.0
    assert numerical_effect_size(down, up) == math.inf


def test_numpy_pandas_and_arrow_inputs_give_the_same_effect_sizes():
    rng = np.random.default_rng(17)

    def frame(n, shift):
        income = rng.lognormal(10.0 + shift, 0.5, n)
        income[rng.random(n) < 0.03] = np.nan
        city = rng.choice(np.array(["paris", "lyon", "nice", "lille"]), n, p=[0.4 - shift, 0.3, 0.2, 0.1 + shift])
        return {"income": income, "age": rng.normal(40.0, 12.0, n), "city": city, "active": rng.random(n) < 0.3 + shift}

    reference, current = frame(3000, 0.0), frame(2500, 0.2)
    profile = ReferenceProfile.from_data(reference)

    def effects(data, **options):
        return {item.name: (item.effect_size, item.effect_unit) for item in evaluate(profile, data, **options).features}

    expected = effects(current)
    assert (expected["city"][1], expected["active"][1]) == ("total_variation", "total_variation")
    frame_data = pd.DataFrame(current)
    assert effects(frame_data) == expected
    assert effects(frame_data.assign(city=frame_data["city"].astype("category"))) == expected
    assert effects(pa.table(current)) == expected
    numeric = ["income", "age"]
    matrix = np.column_stack([current[name] for name in numeric])
    assert effects(matrix, columns=numeric, features=numeric) == {name: expected[name] for name in numeric}


def test_effect_size_survives_the_stored_profile_and_reaches_the_json_form():
    rng = np.random.default_rng(18)
    reference = {"x": rng.normal(0.0, 1.0, 1500), "c": rng.choice(np.array(["a", "b"]), 1500)}
    current = {"x": rng.normal(0.5, 1.0, 1500), "c": rng.choice(np.array(["a", "b", "z"]), 1500)}
    profile = ReferenceProfile.from_data(reference)
    fresh = evaluate(profile, current)
    stored = evaluate(ReferenceProfile.from_bytes(profile.to_bytes()), current)
    assert stored.to_dict() == fresh.to_dict()
    by_name = {item["name"]: item for item in fresh.to_dict()["features"]}
    assert by_name["x"]["effect_size"] == pytest.approx(_scipy_effect(reference["x"], current["x"]), rel=1e-12)
    assert (by_name["x"]["effect_unit"], by_name["c"]["effect_unit"]) == ("reference_sd", "total_variation")
