import math

import numpy as np
import pandas as pd
import pytest

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.statistical.samples import (
    as_count_vector,
    categorical_counts,
    clean_numeric,
    finite_span,
    require_min_samples,
    sorted_numeric,
)


def test_clean_numeric_drops_none_nan_and_pandas_na_but_keeps_infinities():
    series = pd.Series([1.0, None, np.nan, np.inf, -np.inf, 2.0], dtype="Float64")
    assert clean_numeric(series).tolist() == [1.0, math.inf, -math.inf, 2.0]
    assert clean_numeric([None, 3, float("nan")]).tolist() == [3.0]


def test_clean_numeric_rejects_text_and_names_the_feature():
    with pytest.raises(ValidationError, match="age"):
        clean_numeric(["a", 1], feature="age")


def test_sorted_numeric_sorts_ascending_with_infinities_at_the_ends():
    assert sorted_numeric([np.inf, 2, -np.inf, 1]).tolist() == [-math.inf, 1.0, 2.0, math.inf]


def test_finite_span_is_a_view_without_the_infinities():
    values = np.array([-np.inf, -np.inf, 0.5, 1.5, np.inf])
    view, dropped = finite_span(values)
    assert view.tolist() == [0.5, 1.5]
    assert dropped == 3
    assert np.shares_memory(view, values)


def test_require_min_samples_names_feature_and_counts():
    with pytest.raises(InsufficientDataError) as caught:
        require_min_samples(10, 2, min_samples=3, feature="income", test="ks")
    assert caught.value.details == {
        "feature": "income",
        "test": "ks",
        "n_reference": 10,
        "n_current": 2,
        "min_samples": 3,
    }
    require_min_samples(3, 3, min_samples=3, feature="income", test="ks")


def test_require_min_samples_rejects_a_minimum_below_one():
    with pytest.raises(ValidationError):
        require_min_samples(3, 3, min_samples=0, feature=None, test="ks")


def test_categorical_counts_aligns_the_union_and_drops_missing_labels():
    categories, reference, current = categorical_counts(["b", "a", None, "a"], pd.Series(["c", np.nan, "a"]))
    assert categories == ["a", "b", "c"]
    assert reference.tolist() == [2, 1, 0]
    assert current.tolist() == [1, 0, 1]


def test_categorical_counts_merges_integral_floats_with_ints():
    categories, reference, current = categorical_counts([1, 2, 2], [1.0, 2.0, np.nan])
    assert categories == [1, 2]
    assert reference.tolist() == [1, 2]
    assert current.tolist() == [1, 1]


def test_categorical_counts_compares_mixed_str_and_int_labels_as_strings():
    categories, reference, current = categorical_counts([1, "1", "x"], [1, 2])
    assert categories == ["1", "2", "x"]
    assert reference.tolist() == [2, 0, 1]
    assert current.tolist() == [1, 1, 0]


def test_as_count_vector_rejects_negative_or_fractional_counts():
    with pytest.raises(ValidationError):
        as_count_vector([1, -1], name="reference_counts")
    with pytest.raises(ValidationError):
        as_count_vector([1.5, 2], name="reference_counts")
    assert as_count_vector(np.array([2.0, 3.0]), name="current_counts").dtype == np.int64
