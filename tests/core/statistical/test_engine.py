import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from statsmodels.stats.multitest import multipletests

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.statistical import (
    FeatureSpec,
    ReferenceProfile,
    evaluate,
    get_test,
)


def _frame(rng: np.random.Generator, n: int, shift: float = 0.0) -> dict[str, np.ndarray]:
    income = rng.lognormal(10 + shift, 0.5, n)
    income[rng.random(n) < 0.02] = np.nan
    return {
        "income": income,
        "age": rng.normal(40 + 10 * shift, 12, n),
        "city": rng.choice(np.array(["paris", "lyon", "nice", "lille"]), n, p=[0.4, 0.3, 0.2, 0.1]),
        "active": rng.random(n) < 0.3 + shift,
        "stars": rng.integers(1, 6, n),
    }


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    return _frame(np.random.default_rng(21), 3000)


@pytest.fixture(scope="module")
def current() -> dict[str, np.ndarray]:
    return _frame(np.random.default_rng(22), 2500, shift=0.4)


def test_numpy_pandas_and_arrow_inputs_give_identical_results(reference, current):
    profile = ReferenceProfile.from_data(reference)
    expected = evaluate(profile, current).to_dict()
    frame = pd.DataFrame(current)
    assert evaluate(profile, frame).to_dict() == expected
    frame_with_codes = frame.assign(city=frame["city"].astype("category"))
    assert evaluate(profile, frame_with_codes).to_dict() == expected
    assert evaluate(profile, pa.table(current)).to_dict() == expected
    assert evaluate(profile, pa.Table.from_pandas(frame_with_codes)).to_dict() == expected
    numeric = ["income", "age", "stars"]
    matrix = np.column_stack([current[name] for name in numeric])
    from_matrix = evaluate(profile, matrix, columns=numeric, features=numeric).to_dict()
    assert from_matrix == evaluate(profile, current, features=numeric).to_dict()


def test_reference_profile_from_any_container_is_the_same(reference):
    expected = ReferenceProfile.from_data(reference).to_bytes()
    assert ReferenceProfile.from_data(pd.DataFrame(reference)).to_bytes() == expected
    assert ReferenceProfile.from_data(pa.table(reference)).to_bytes() == expected


@pytest.mark.parametrize(
    "test", ["ks", "psi", "wasserstein", "anderson_darling", "cramer_von_mises", "energy_distance", "jensen_shannon",
             "hellinger"],
)  # fmt: skip
def test_numerical_results_equal_the_public_test_function(reference, current, test):
    specs = [FeatureSpec("income", test=test), FeatureSpec("age", test=test)]
    result = evaluate(ReferenceProfile.from_data(reference, specs), current)
    for item in result.features:
        direct = get_test(test).function(reference[item.name], current[item.name], threshold=item.result.threshold)
        assert item.result == direct


@pytest.mark.parametrize("test", ["chi_squared", "psi", "jensen_shannon", "hellinger", "l_infinity"])
def test_categorical_results_equal_the_public_test_function(reference, current, test):
    result = evaluate(ReferenceProfile.from_data(reference, [FeatureSpec("city", test=test)]), current)
    function = get_test(test).function
    kwargs = {"kind": "categorical"} if test != "chi_squared" else {}
    direct = function(reference["city"], current["city"], threshold=result.features[0].result.threshold, **kwargs)
    (item,) = result.features
    assert item.result.statistic == pytest.approx(direct.statistic, rel=1e-12)
    assert item.result.p_value == (None if direct.p_value is None else pytest.approx(direct.p_value, rel=1e-12))
    assert item.result.drift_detected == direct.drift_detected
    assert (item.result.n_reference, item.result.n_current) == (direct.n_reference, direct.n_current)


def test_binary_z_test_equals_the_public_function(reference, current):
    small_reference = {"active": reference["active"][:800]}
    result = evaluate(ReferenceProfile.from_data(small_reference), current)
    (item,) = result.features
    assert item.result.test == "z_test"
    direct = get_test("z_test").function(small_reference["active"], current["active"])
    assert (item.result.statistic, item.result.p_value) == pytest.approx((direct.statistic, direct.p_value))


def test_a_binary_feature_that_gains_a_category_is_tested_by_chi_squared_and_drifts():
    reference = {"plan": np.array(["basic", "pro"] * 50, dtype=object)}
    current = {"plan": np.array(["basic", "pro", "team"] * 40, dtype=object)}
    profile = ReferenceProfile.from_data(reference)
    (item,) = evaluate(profile, current).features
    direct = get_test("chi_squared").function(reference["plan"], current["plan"])
    assert (profile.features[0].test, item.result.test) == ("z_test", "chi_squared")
    assert (item.result.statistic, item.result.p_value) == pytest.approx((direct.statistic, direct.p_value))
    assert item.drift_detected
    # With the reference's two categories only, the binary test stays.
    (same,) = evaluate(profile, {"plan": np.array(["basic", "pro"] * 40, dtype=object)}).features
    assert same.result.test == "z_test"


def test_shifted_features_drift_and_come_first(reference, current):
    result = evaluate(ReferenceProfile.from_data(reference), current)
    assert result.drift_detected
    drifted = [item.name for item in result.features if item.drift_detected]
    assert set(drifted) == {"income", "age", "active"}
    strengths = [item.strength for item in result.features]
    assert [item.drift_detected for item in result.features] == sorted(
        (item.drift_detected for item in result.features), reverse=True
    )
    assert strengths[:3] == sorted(strengths[:3], reverse=True)
    assert result.n_drifted == 3
    assert result.share_drifted == pytest.approx(0.6)


def test_features_are_ordered_by_strength_of_drift():
    rng = np.random.default_rng(3)
    shifts = {"none": 0.0, "small": 0.3, "large": 2.0, "medium": 0.8}
    reference = {name: rng.normal(0, 1, 400) for name in shifts}
    current = {name: rng.normal(shift, 1, 400) for name, shift in shifts.items()}
    result = evaluate(ReferenceProfile.from_data(reference), current)
    assert [item.name for item in result.features] == ["large", "medium", "small", "none"]


def test_dataset_drifts_when_share_reaches_drift_share():
    rng = np.random.default_rng(4)
    reference = {f"f{i}": rng.normal(0, 1, 300) for i in range(4)}
    current = {f"f{i}": rng.normal(3.0 if i < 2 else 0.0, 1, 300) for i in range(4)}
    profile = ReferenceProfile.from_data(reference)
    assert evaluate(profile, current).drift_detected  # 2 of 4 = 0.5 >= 0.5
    assert not evaluate(profile, current, drift_share=0.75).drift_detected


def test_importance_weights_change_the_verdict():
    rng = np.random.default_rng(8)
    reference = {f"f{i}": rng.normal(0, 1, 300) for i in range(4)}
    current = {f"f{i}": rng.normal(3.0 if i == 0 else 0.0, 1, 300) for i in range(4)}
    plain = evaluate(ReferenceProfile.from_data(reference), current)
    assert (plain.n_drifted, plain.share_drifted, plain.drift_detected) == (1, 0.25, False)
    weighted = evaluate(
        ReferenceProfile.from_data(reference, [FeatureSpec("f0", weight=3.0), "f1", "f2", "f3"]), current
    )
    assert (weighted.share_drifted, weighted.drift_detected) == (0.5, True)
    override = evaluate(ReferenceProfile.from_data(reference), current, features=[FeatureSpec("f0", weight=5.0), "f1"])
    assert override.share_drifted == pytest.approx(5 / 6)


@pytest.mark.parametrize(("correction", "method"), [("bonferroni", "bonferroni"), ("bh", "fdr_bh")])
def test_correction_adjusts_p_values_across_p_value_tests(correction, method):
    rng = np.random.default_rng(12)
    reference = {f"f{i}": rng.normal(0, 1, 200) for i in range(10)}
    current = {f"f{i}": rng.normal(0.25 if i < 3 else 0.0, 1, 200) for i in range(10)}
    profile = ReferenceProfile.from_data(reference, [*list(reference)[:9], FeatureSpec("f9", test="wasserstein")])
    raw = evaluate(profile, current)
    corrected = evaluate(profile, current, correction=correction)
    tested = [item for item in raw.features if item.result.p_value is not None and item.result.test == "ks"]
    _, expected, _, _ = multipletests([item.result.p_value for item in tested], method=method)
    for item, adjusted in zip(tested, expected, strict=True):
        feature = corrected.feature(item.name)
        assert feature.adjusted_p_value == pytest.approx(adjusted, rel=1e-12)
        assert feature.test_drift_detected == (adjusted < 0.05)
    assert corrected.feature("f9").adjusted_p_value is None
    assert corrected.n_drifted <= raw.n_drifted


def test_jump_in_missing_share_flags_a_feature_whose_values_did_not_move():
    rng = np.random.default_rng(5)
    reference = {"x": rng.normal(0, 1, 2000)}
    values = rng.normal(0, 1, 2000)
    values[:600] = np.nan
    result = evaluate(ReferenceProfile.from_data(reference), {"x": values})
    (item,) = result.features
    assert not item.test_drift_detected
    assert item.missing.current_share == pytest.approx(0.3)
    assert item.drift_detected
    assert not evaluate(ReferenceProfile.from_data(reference), {"x": values}, max_missing_shift=None).drift_detected


def test_missing_categories_are_counted_not_tested():
    reference = {"c": np.array(["a", "b", "c", None] * 100, dtype=object)}
    current = pa.table({"c": pa.array(["a", "b", "c", None, None] * 80)})
    (item,) = evaluate(ReferenceProfile.from_data(reference), current).features
    assert (item.missing.reference_missing, item.missing.current_missing) == (100, 160)
    assert item.result.n_current == 240


def test_too_few_current_values_raise_naming_feature_and_counts(reference):
    profile = ReferenceProfile.from_data(reference, ["age"])
    with pytest.raises(InsufficientDataError, match=r"feature 'age'.*got 3000 reference and 3 current"):
        evaluate(profile, {"age": np.array([1.0, 2.0, 3.0, np.nan])})
    assert evaluate(profile, {"age": np.array([1.0, 2.0, 3.0])}, min_samples=3).n_features == 1


def test_unseen_category_in_current_data_is_tested():
    reference = {"c": np.array(["a", "b"] * 100 + ["c"] * 50)}
    current = {"c": np.array(["a", "b"] * 100 + ["z"] * 50)}
    (item,) = evaluate(ReferenceProfile.from_data(reference), current).features
    assert item.drift_detected
    assert "z" in item.result.details["categories"]


def test_missing_current_column_is_named(reference):
    profile = ReferenceProfile.from_data(reference, ["age", "city"])
    with pytest.raises(ValidationError, match="current data has no column 'city'"):
        evaluate(profile, {"age": reference["age"]})


def test_text_in_a_numerical_column_is_rejected(reference):
    profile = ReferenceProfile.from_data(reference, ["age"])
    with pytest.raises(ValidationError, match="column 'age' is not numeric"):
        evaluate(profile, pa.table({"age": ["old"] * 50}))


def test_feature_subset_and_test_override_at_check_time(reference, current):
    profile = ReferenceProfile.from_data(reference)
    result = evaluate(profile, current, features=[FeatureSpec("age", test="ks"), "city"])
    assert [item.result.test for item in sorted(result.features, key=lambda item: item.name)] == [
        "ks",
        "jensen_shannon",
    ]
    assert result.feature("age").result.threshold == 0.05
    with pytest.raises(ValidationError, match="profiled as numerical"):
        evaluate(profile, current, features=[FeatureSpec("age", kind="categorical")])


def test_bad_parameters_are_rejected(reference, current):
    profile = ReferenceProfile.from_data(reference, ["age"])
    with pytest.raises(ValidationError, match="correction"):
        evaluate(profile, current, correction="holm")
    with pytest.raises(ValidationError, match="drift_share"):
        evaluate(profile, current, drift_share=0)
    with pytest.raises(ValidationError, match="unsupported data container"):
        evaluate(profile, [1, 2, 3])


def test_result_dictionary_is_plain_json(reference, current):
    import json

    result = evaluate(ReferenceProfile.from_data(reference), current, correction="bonferroni")
    decoded = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert decoded["n_features"] == 5
    assert decoded["features"][0]["drift_detected"] is True
