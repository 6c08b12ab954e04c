"""Columns of a pandas DataFrame, read through the frame's own methods.

pandas is never imported here: a Series turns itself into float64 (``to_numpy``), a categorical
column is counted from its integer codes (``.cat``), and any other column counts its own values
(``value_counts``). Dtypes are classified by their numpy ``kind``, which pandas' extension dtypes
carry too (``Int64`` is ``"i"``, ``boolean`` is ``"b"``); a categorical is boolean when its
categories are, and an Arrow-backed dtype is classified by its Arrow type.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.statistical.array_columns import not_numeric, numpy_counts
from aumos_drift_detector.core.statistical.arrow_columns import arrow_kind
from aumos_drift_detector.core.statistical.category_counts import CategoryCounts, counts_from_pairs

FloatArray = npt.NDArray[np.float64]


def dtype_is_boolean(dtype: Any) -> bool:
    """Whether a numpy or pandas dtype holds booleans (a categorical: whether its categories do)."""
    categories = getattr(dtype, "categories", None)
    if categories is not None:
        return bool(categories.inferred_type == "boolean")
    return bool(dtype.kind == "b")


def dtype_is_numeric(dtype: Any) -> bool:
    """Whether a numpy or pandas dtype holds numbers or booleans."""
    arrow_type = getattr(dtype, "pyarrow_dtype", None)
    if arrow_type is not None:
        return arrow_kind(arrow_type) in ("integer", "floating", "decimal", "boolean")
    return dtype_is_boolean(dtype) or dtype.kind in "biufc"


class PandasSource:
    """Columns of a pandas DataFrame; categoricals are counted from their codes."""

    def __init__(self, frame: Any) -> None:
        self._frame = frame

    @property
    def names(self) -> tuple[str, ...]:
        """Column names as strings."""
        return tuple(str(name) for name in self._frame.columns)

    def is_numeric(self, name: str) -> bool:
        """Whether the pandas dtype is boolean or numeric (nullable dtypes included)."""
        return dtype_is_numeric(self._frame[name].dtype)

    def is_boolean(self, name: str) -> bool:
        """Whether the pandas dtype is boolean."""
        return dtype_is_boolean(self._frame[name].dtype)

    def numeric(self, name: str) -> FloatArray:
        """The column as float64 with NaN for missing values."""
        series = self._frame[name]
        if not self.is_numeric(name):
            raise not_numeric(name, series.dtype)
        return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)

    def category_counts(self, name: str) -> CategoryCounts:
        """Counts from categorical codes, numpy values, or the column's own ``value_counts``."""
        series = self._frame[name]
        if str(series.dtype) == "category":
            codes = np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)
            categories = series.cat.categories.tolist()
            counts = np.bincount(codes[codes >= 0], minlength=len(categories))
            found = counts_from_pairs(categories, counts)
            return CategoryCounts(found.labels, found.counts, found.n_missing + int(np.count_nonzero(codes < 0)))
        if self.is_boolean(name) or not self.is_numeric(name):
            counted = series.value_counts(dropna=True, sort=False)
            found = counts_from_pairs(counted.index.tolist(), counted.to_numpy())
            return CategoryCounts(found.labels, found.counts, found.n_missing + len(series) - int(counted.sum()))
        return numpy_counts(self.numeric(name))
