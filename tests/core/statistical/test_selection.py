import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.selection import choose_test, resolve_kind


@pytest.mark.parametrize(
    ("kind", "n_reference", "expected"),
    [
        ("numerical", 30, "ks"),
        ("numerical", 1000, "ks"),
        ("numerical", 1001, "wasserstein"),
        ("categorical", 1000, "chi_squared"),
        ("categorical", 1001, "jensen_shannon"),
        ("binary", 200, "z_test"),
        ("binary", 5000, "jensen_shannon"),
    ],
)
def test_automatic_test_follows_the_table(kind, n_reference, expected):
    assert choose_test(kind, n_reference=n_reference) == expected


@pytest.mark.parametrize(
    ("is_numeric", "is_boolean", "n_distinct", "expected"),
    [
        (True, False, 500, "numerical"),
        (True, False, 6, "numerical"),
        (True, False, 5, "categorical"),
        (True, False, 3, "categorical"),
        (True, False, 2, "binary"),
        (True, True, 2, "binary"),
        (True, True, 1, "binary"),
        (False, False, 40, "categorical"),
        (False, False, 2, "binary"),
    ],
)
def test_automatic_kind_follows_the_rule(is_numeric, is_boolean, n_distinct, expected):
    kind = resolve_kind("auto", name="f", is_numeric=is_numeric, is_boolean=is_boolean, n_distinct=n_distinct)
    assert kind == expected


def test_configured_kind_wins_over_the_rule():
    assert resolve_kind("categorical", name="f", is_numeric=True, is_boolean=False, n_distinct=500) == "categorical"
    assert resolve_kind("numerical", name="f", is_numeric=True, is_boolean=False, n_distinct=2) == "numerical"


def test_numerical_kind_on_text_column_is_rejected():
    with pytest.raises(ValidationError, match="'city'"):
        resolve_kind("numerical", name="city", is_numeric=False, is_boolean=False, n_distinct=10)


def test_binary_kind_with_three_values_is_rejected():
    with pytest.raises(ValidationError, match="3 distinct"):
        resolve_kind("binary", name="flag", is_numeric=False, is_boolean=False, n_distinct=3)
