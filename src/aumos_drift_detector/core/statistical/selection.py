"""Automatic choice of a feature's kind and test from its reference data.

Kind (for ``kind="auto"``): a boolean column, or any column with at most two distinct
non-missing values, is ``binary``; a numeric column with more than five distinct values is
``numerical``; everything else (strings, and numbers with three to five distinct values) is
``categorical``, its distinct values becoming the category labels.

Test, by kind and reference size ``n`` (non-missing values):

=============  ==================  ==================
kind           n <= 1000           n > 1000
=============  ==================  ==================
numerical      ``ks``              ``wasserstein``
categorical    ``chi_squared``     ``jensen_shannon``
binary         ``z_test``          ``jensen_shannon``
=============  ==================  ==================

Small samples get hypothesis tests, whose p-values are meaningful there. On large samples every
test finds some trivial difference significant, so a distance with a fixed threshold decides
instead. The threshold is the test's catalogue default unless the feature overrides it.

>>> choose_test("numerical", n_reference=500)
'ks'
>>> choose_test("binary", n_reference=50_000)
'jensen_shannon'
"""

from __future__ import annotations

from typing import Final

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.features import FeatureKind, RequestedKind

SMALL_REFERENCE_MAX: Final[int] = 1000
"""Largest reference sample that still gets a hypothesis test."""

DISCRETE_MAX_DISTINCT: Final[int] = 5
"""An automatic numeric feature with at most this many distinct values is treated as categorical."""


def resolve_kind(
    requested: RequestedKind, *, name: str, is_numeric: bool, is_boolean: bool, n_distinct: int
) -> FeatureKind:
    """Decide the kind of a feature from its configuration and reference column.

    Args:
        requested: The configured kind; ``"auto"`` follows the rule in the module docstring.
        name: Feature name, for error messages.
        is_numeric: Whether the reference column holds numbers (or booleans).
        is_boolean: Whether the reference column holds booleans.
        n_distinct: Distinct non-missing reference values.

    Returns:
        ``"numerical"``, ``"categorical"`` or ``"binary"``.

    Raises:
        ValidationError: If ``numerical`` is requested for a non-numeric column, or ``binary``
            for a column with more than two distinct values.

    >>> resolve_kind("auto", name="f", is_numeric=True, is_boolean=False, n_distinct=2)
    'binary'
    """
    if requested == "numerical" and not is_numeric:
        raise ValidationError(
            f"feature {name!r} is configured numerical but its reference column is not numeric",
            details={"feature": name},
        )
    if requested == "binary" and n_distinct > 2:
        raise ValidationError(
            f"feature {name!r} is configured binary but has {n_distinct} distinct reference values",
            details={"feature": name, "n_distinct": n_distinct},
        )
    if requested != "auto":
        return requested
    if is_boolean or n_distinct <= 2:
        return "binary"
    return "numerical" if is_numeric and n_distinct > DISCRETE_MAX_DISTINCT else "categorical"


def choose_test(kind: FeatureKind, *, n_reference: int) -> str:
    """Pick the test for a feature by the table in the module docstring.

    Args:
        kind: The resolved kind.
        n_reference: Non-missing reference values.

    Returns:
        A test name from the catalogue.
    """
    small = n_reference <= SMALL_REFERENCE_MAX
    if kind == "numerical":
        return "ks" if small else "wasserstein"
    if kind == "binary":
        return "z_test" if small else "jensen_shannon"
    return "chi_squared" if small else "jensen_shannon"
