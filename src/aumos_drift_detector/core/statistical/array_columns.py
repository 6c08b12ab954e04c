"""Columns held as 1-D numpy arrays: a mapping of arrays, or a 2-D array split into columns.

Numbers, booleans and strings are counted by ``np.unique``; object arrays (Python values, ``None``
for missing) are converted or counted value by value.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.category_counts import CategoryCounts, counts_from_pairs, is_missing

FloatArray = npt.NDArray[np.float64]


def not_numeric(name: str, dtype: object) -> ValidationError:
    """The error for a column read as numbers that holds something else."""
    return ValidationError(
        f"column {name!r} is not numeric (dtype {dtype})", details={"column": name, "dtype": str(dtype)}
    )


def objects_as_float(name: str, values: npt.NDArray[Any]) -> FloatArray:
    """Real numbers (bools included) of an object array as float64, missing values as NaN.

    Raises:
        ValidationError: If a value is neither a real number nor missing (a string, a ``Decimal``).

    >>> objects_as_float("x", np.array([1, None, 2.5, True], dtype=object)).tolist()
    [1.0, nan, 2.5, 1.0]
    """
    result = np.empty(values.size, dtype=np.float64)
    for position, value in enumerate(values.tolist()):
        if isinstance(value, numbers.Real):
            result[position] = value
        elif is_missing(value):
            result[position] = np.nan
        else:
            raise not_numeric(name, values.dtype)
    return result


def numpy_numeric(name: str, values: npt.NDArray[Any]) -> FloatArray:
    """A numpy column as float64 (a view when it already is); object arrays value by value."""
    if values.dtype.kind in "biuf":
        return values.astype(np.float64, copy=False)
    if values.dtype.kind == "O":
        return objects_as_float(name, values)
    raise not_numeric(name, values.dtype)


def numpy_counts(values: npt.NDArray[Any]) -> CategoryCounts:
    """Distinct values of a numpy column; NaN and ``None`` are missing."""
    if values.dtype.kind == "O":
        counted = Counter(values.tolist())
        return counts_from_pairs(list(counted), list(counted.values()))
    if values.dtype.kind == "f":
        present = values[~np.isnan(values)]
        uniques, counts = np.unique(present, return_counts=True)
        found = counts_from_pairs(uniques.tolist(), counts)
        return CategoryCounts(found.labels, found.counts, int(values.size - present.size))
    uniques, counts = np.unique(values, return_counts=True)
    return counts_from_pairs(uniques.tolist(), counts)


class ArraySource:
    """Columns held as 1-D numpy arrays (a dict of arrays, or a 2-D array split into columns)."""

    def __init__(self, columns: Mapping[str, npt.NDArray[Any]]) -> None:
        self._columns = dict(columns)
        lengths = {len(column) for column in self._columns.values()}
        if len(lengths) > 1:
            raise ValidationError("columns have different lengths", details={"lengths": sorted(lengths)})
        for name, column in self._columns.items():
            if column.ndim != 1:
                raise ValidationError(f"column {name!r} is not one-dimensional", details={"column": name})

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in insertion order."""
        return tuple(self._columns)

    def is_numeric(self, name: str) -> bool:
        """Whether the numpy dtype is boolean, integer or floating."""
        return self._columns[name].dtype.kind in "biuf"

    def is_boolean(self, name: str) -> bool:
        """Whether the numpy dtype is boolean."""
        return self._columns[name].dtype.kind == "b"

    def numeric(self, name: str) -> FloatArray:
        """The column as float64 (a view when it already is)."""
        return numpy_numeric(name, self._columns[name])

    def category_counts(self, name: str) -> CategoryCounts:
        """Distinct values via ``np.unique`` (counted one by one for object arrays)."""
        return numpy_counts(self._columns[name])
