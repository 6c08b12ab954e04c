import numpy as np
import pytest
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.multivariate.encoding import encode_columns
from aumos_drift_detector.core.multivariate.numeric_design import NumericDesign


def test_categories_share_codes_across_samples_and_rare_ones_share_the_last():
    reference = {"c": np.array(["a", "a", "b", "c", None], dtype=object)}
    current = {"c": np.array(["c", "a", "d", "a"], dtype=object)}
    pair = encode_columns(reference, current, max_categories=2)
    assert pair.categorical.tolist() == [True]
    assert pair.reference[:, 0].tolist()[:4] == [0.0, 0.0, 2.0, 1.0]
    assert np.isnan(pair.reference[4, 0])
    assert pair.current[:, 0].tolist() == [1.0, 0.0, 2.0, 0.0]


def test_declared_categorical_numbers_and_booleans():
    reference, current = {"n": [3, 3, 7], "f": [True, False, True]}, {"n": [7, 9, 3], "f": [False] * 3}
    pair = encode_columns(reference, current, categorical={"n"})
    assert pair.categorical.tolist() == [True, False]
    assert pair.current.tolist() == [[1.0, 0.0], [2.0, 0.0], [0.0, 0.0]]


def test_problems_name_the_column():
    with pytest.raises(ValidationError, match="'x' is missing from the current sample"):
        encode_columns({"x": [1.0]}, {"y": [1.0]})
    with pytest.raises(ValidationError, match="lengths"):
        encode_columns({"x": [1.0], "y": [1.0, 2.0]}, {"x": [1.0], "y": [1.0]})


def test_numeric_design_equals_one_hot_and_standard_scaling():
    rng = np.random.default_rng(0)
    reference = {"x": rng.normal(3, 2, 200), "c": rng.choice(np.array(["u", "v", "w"]), 200)}
    current = {"x": rng.normal(3, 2, 50), "c": rng.choice(np.array(["u", "v", "w"]), 50)}
    pair = encode_columns(reference, current)
    design = NumericDesign.fit(pair.reference, pair.categorical)
    one_hot = OneHotEncoder(sparse_output=False).fit(reference["c"].reshape(-1, 1))
    raw = lambda data: np.column_stack([data["x"], one_hot.transform(data["c"].reshape(-1, 1))])  # noqa: E731
    scaler = StandardScaler().fit(raw(reference))
    got = np.sort(design.transform(pair.current), axis=1)
    assert got == pytest.approx(np.sort(scaler.transform(raw(current)), axis=1), rel=1e-9)
