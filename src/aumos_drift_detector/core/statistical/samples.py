"""Cleaning of the two samples before a drift test, shared by every test and the engine.

Policy, applied the same way by every test:

* **Missing values** -- ``None``, ``NaN``, not-a-time and ``pandas.NA`` -- are excluded before testing.
* **Infinities** -- ``+inf`` and ``-inf`` are kept by the numeric cleaning: they are ordered values
  (``-inf < x < +inf``), so rank- and bin-based tests (KS, PSI, Anderson-Darling, Cramér-von Mises,
  Jensen-Shannon, Hellinger) count them in the lowest or highest position / the open outer bins. Tests
  that need finite arithmetic (Wasserstein, energy distance) exclude them with :func:`finite_span` and
  report how many they left out.
* **Categorical labels** -- integral floats become ``int`` (``1.0`` and ``1`` are one category), and when
  the labels of the two samples mix strings with numbers every label is converted to ``str`` so that
  ``"1"`` and ``1`` are one category and the categories sort.
* **Too few values** -- :func:`require_min_samples` raises
  :class:`~aumos_drift_detector.core.errors.InsufficientDataError` naming the feature and the counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.statistical.category_counts import is_missing

FloatArray = npt.NDArray[np.float64]
CountArray = npt.NDArray[np.int64]
Category = Hashable

DEFAULT_MIN_SAMPLES = 5
"""Fewest usable values each sample must hold unless a test is told otherwise."""


def clean_numeric(values: Any, *, feature: str | None = None) -> FloatArray:
    """Return the non-missing values of a numeric sample as a float64 array (unsorted).

    Args:
        values: A list, tuple, numpy array or pandas Series of numbers; ``None``/``NaN``/``pd.NA`` allowed.
        feature: The feature name, used in the error message.

    Returns:
        A 1-D float64 array without NaN; infinities are kept.

    Raises:
        ValidationError: If a value is not a number.

    Example:
        >>> clean_numeric([1, None, float("nan"), 2.5, float("inf")]).tolist()
        [1.0, 2.5, inf]
    """
    try:
        array = _as_float64(values)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"feature {feature!r} holds values that are not numbers", details={"feature": feature}
        ) from exc
    array = array.reshape(-1)
    missing = np.isnan(array)
    return array[~missing] if missing.any() else array


def _as_float64(values: Any) -> FloatArray:
    """``values`` as float64 with NaN for missing values; a pandas Series or Index converts itself.

    Containers whose ``to_numpy`` takes no ``dtype`` and ``na_value`` (pyarrow, polars) go through
    ``np.asarray``, as does everything else.
    """
    to_numpy = getattr(values, "to_numpy", None)
    if to_numpy is not None:
        try:
            return np.asarray(to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
        except TypeError:
            pass
    return np.asarray(values, dtype=np.float64)


def sorted_numeric(values: Any, *, feature: str | None = None) -> FloatArray:
    """Clean a numeric sample and sort it ascending (the input of every ``*_sorted`` kernel).

    Args:
        values: Array-like of numbers.
        feature: The feature name, used in error messages.

    Returns:
        A new sorted float64 array without NaN.

    Example:
        >>> sorted_numeric([3, None, 1]).tolist()
        [1.0, 3.0]
    """
    return np.sort(clean_numeric(values, feature=feature), kind="stable")


def finite_span(sorted_values: FloatArray) -> tuple[FloatArray, int]:
    """Drop the infinities from the two ends of a sorted array without copying.

    Args:
        sorted_values: A float64 array sorted ascending, without NaN.

    Returns:
        A view of the finite values and the number of infinities left out.

    Example:
        >>> view, dropped = finite_span(np.array([-np.inf, 1.0, 2.0, np.inf]))
        >>> view.tolist(), dropped
        ([1.0, 2.0], 2)
    """
    start = int(np.searchsorted(sorted_values, -np.inf, side="right"))
    stop = int(np.searchsorted(sorted_values, np.inf, side="left"))
    return sorted_values[start:stop], int(sorted_values.size - (stop - start))


def require_min_samples(n_reference: int, n_current: int, *, min_samples: int, feature: str | None, test: str) -> None:
    """Raise when either sample holds fewer than ``min_samples`` usable values.

    Args:
        n_reference: Usable reference values.
        n_current: Usable current values.
        min_samples: The minimum per sample, at least 1.
        feature: The feature name for the message.
        test: The test name for the message.

    Raises:
        ValidationError: If ``min_samples`` is below 1.
        InsufficientDataError: If a sample is too small; ``details`` carry the counts.

    Example:
        >>> require_min_samples(10, 3, min_samples=5, feature="age", test="ks")
        Traceback (most recent call last):
        ...
        aumos_drift_detector.core.errors.InsufficientDataError: test 'ks' on feature 'age' needs at least 5 ...
    """
    if min_samples < 1:
        raise ValidationError("min_samples must be at least 1", details={"min_samples": min_samples})
    if n_reference < min_samples or n_current < min_samples:
        raise InsufficientDataError(
            f"test {test!r} on feature {feature!r} needs at least {min_samples} usable values per sample, "
            f"got {n_reference} reference and {n_current} current",
            details={
                "feature": feature,
                "test": test,
                "n_reference": n_reference,
                "n_current": n_current,
                "min_samples": min_samples,
            },
        )


def _normalise_label(label: Any) -> Category | None:
    """Map one raw label to its category, or ``None`` when it is missing."""
    if isinstance(label, np.generic):
        label = label.item()
    if is_missing(label):
        return None
    if isinstance(label, float) and label.is_integer():
        return int(label)
    return label  # type: ignore[no-any-return]


def _raw_counts(values: Any) -> Iterable[tuple[Any, int]]:
    """Distinct raw labels of one sample and their counts (missing ones may be among them).

    A pandas Series or Index counts itself (``value_counts``); a numpy array of numbers, booleans or
    strings is counted by ``np.unique``; anything else value by value.
    """
    counter = getattr(values, "value_counts", None)
    if counter is not None:
        try:
            return counter(dropna=True, sort=False).items()  # type: ignore[no-any-return]
        except TypeError:  # another signature (a Categorical, an Arrow array): count the values one by one
            pass
    if isinstance(values, np.ndarray) and values.dtype.kind in "biufUS":
        present = values[~np.isnan(values)] if values.dtype.kind == "f" else values.reshape(-1)
        uniques, counts = np.unique(present, return_counts=True)
        return zip(uniques.tolist(), counts.tolist(), strict=True)
    return Counter(values.tolist() if isinstance(values, np.ndarray) else values).items()


def _value_counts(values: Any) -> dict[Category, int]:
    """Count the non-missing labels of one sample, merging labels that normalise alike."""
    counts: dict[Category, int] = {}
    for raw, count in _raw_counts(values):
        label = _normalise_label(raw)
        if label is not None:
            counts[label] = counts.get(label, 0) + int(count)
    return counts


def _sort_key(label: Category) -> tuple[int, Any]:
    return (1, label) if isinstance(label, str) else (0, label)


def categorical_counts(reference: Any, current: Any) -> tuple[list[Category], CountArray, CountArray]:
    """Count both samples over the union of their categories.

    Categories that are empty on both sides never appear. When the labels mix strings with numbers,
    every label becomes a string (see the module docstring).

    Args:
        reference: Array-like of labels (str, int, bool, float); missing values are dropped.
        current: Array-like of labels.

    Returns:
        The sorted category list and the aligned int64 reference and current counts.

    Example:
        >>> categorical_counts(["a", "b", None], ["b", "c", "c"])
        (['a', 'b', 'c'], array([1, 1, 0]), array([0, 1, 2]))
        >>> categorical_counts([1, 2.0, "x"], ["1"])[0]
        ['1', '2', 'x']
    """
    ref_counts = _value_counts(reference)
    cur_counts = _value_counts(current)
    labels = set(ref_counts) | set(cur_counts)
    if len({isinstance(label, str) for label in labels}) > 1:
        ref_counts = _as_str_counts(ref_counts)
        cur_counts = _as_str_counts(cur_counts)
        labels = set(ref_counts) | set(cur_counts)
    categories = sorted(labels, key=_sort_key)
    ref = np.fromiter((ref_counts.get(c, 0) for c in categories), dtype=np.int64, count=len(categories))
    cur = np.fromiter((cur_counts.get(c, 0) for c in categories), dtype=np.int64, count=len(categories))
    return categories, ref, cur


def _as_str_counts(counts: dict[Category, int]) -> dict[Category, int]:
    merged: dict[Category, int] = {}
    for label, count in counts.items():
        key = str(label)
        merged[key] = merged.get(key, 0) + count
    return merged


def as_count_vector(counts: Any, *, name: str) -> CountArray:
    """Validate an aligned count vector (non-negative integers) and return it as int64.

    Args:
        counts: Array-like of counts.
        name: ``"reference_counts"`` or ``"current_counts"``, for the message.

    Returns:
        A 1-D int64 array.

    Raises:
        ValidationError: If a count is negative or not an integer.

    Example:
        >>> as_count_vector([3, 0, 2], name="reference_counts").tolist()
        [3, 0, 2]
    """
    array = np.asarray(counts)
    if array.ndim != 1 or (array.size and (not np.all(np.isfinite(array)) or np.any(array < 0))):
        raise ValidationError(f"{name} must be a vector of non-negative counts", details={"name": name})
    as_int = array.astype(np.int64)
    if not np.array_equal(as_int, array):
        raise ValidationError(f"{name} must hold whole numbers", details={"name": name})
    return as_int
