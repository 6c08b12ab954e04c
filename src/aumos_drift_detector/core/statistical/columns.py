"""Named columns read out of numpy, pandas and pyarrow containers.

The engine asks a :class:`ColumnSource` for exactly two things per feature: a float64 view of a
numerical column (missing values as NaN) or the category counts of a categorical column. Neither
path turns a column into an object-dtype array of Python values: categoricals are counted through
their integer codes (pandas ``Categorical``, Arrow dictionaries) or hashed by Arrow, and only the
distinct values are turned into labels.

Category labels are strings, normalised by :func:`category_label` so that the same value read from
CSV, Parquet, pandas or numpy gets the same label (``1``, ``1.0`` and ``"1"`` are all ``"1"``;
booleans are ``"true"``/``"false"``). ``None`` and NaN are missing, never a category.

pandas and pyarrow are imported only when such a container is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CategoryCounts:
    """Counts of each distinct non-missing value of a column.

    Attributes:
        labels: Normalised labels, unique, in first-seen or sorted order.
        counts: How often each label occurs (int64, aligned with ``labels``).
        n_missing: Number of ``None``/NaN values.
    """

    labels: tuple[str, ...]
    counts: npt.NDArray[np.int64]
    n_missing: int


class ColumnSource(Protocol):
    """Read access to the named columns of one table."""

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in table order."""
        ...

    def is_numeric(self, name: str) -> bool:
        """Whether the column holds numbers or booleans."""
        ...

    def is_boolean(self, name: str) -> bool:
        """Whether the column holds booleans."""
        ...

    def numeric(self, name: str) -> FloatArray:
        """The column as float64 with NaN for missing values; raises ValidationError if not numeric."""
        ...

    def category_counts(self, name: str) -> CategoryCounts:
        """The column's distinct values and their counts."""
        ...


def category_label(value: Any) -> str | None:
    """Normalise one distinct value to its category label; ``None`` for a missing value.

    >>> [category_label(v) for v in (1, 1.0, "1", True, 2.5, None, float("nan"))]
    ['1', '1', '1', 'true', '2.5', None, None]
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def counts_from_pairs(values: Sequence[Any], counts: Sequence[int] | npt.NDArray[np.int64]) -> CategoryCounts:
    """Build :class:`CategoryCounts` from distinct raw values and their counts, merging equal labels."""
    merged: dict[str, int] = {}
    n_missing = 0
    for value, count in zip(values, counts, strict=True):
        label = category_label(value)
        if label is None:
            n_missing += int(count)
        else:
            merged[label] = merged.get(label, 0) + int(count)
    return CategoryCounts(tuple(merged), np.fromiter(merged.values(), dtype=np.int64, count=len(merged)), n_missing)


def _not_numeric(name: str, dtype: object) -> ValidationError:
    return ValidationError(
        f"column {name!r} is not numeric (dtype {dtype})", details={"column": name, "dtype": str(dtype)}
    )


def _arrow_counts(array: Any) -> CategoryCounts:
    import pyarrow.compute as pc

    pairs = pc.value_counts(array)
    return counts_from_pairs(pairs.field(0).to_pylist(), pairs.field(1).to_numpy(zero_copy_only=False))


def _numpy_numeric(name: str, values: npt.NDArray[Any]) -> FloatArray:
    if values.dtype.kind in "biuf":
        return values.astype(np.float64, copy=False)
    if values.dtype.kind == "O":
        import pyarrow as pa

        try:
            array = pa.array(values, from_pandas=True, type=pa.float64())
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
            raise _not_numeric(name, values.dtype) from exc
        return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
    raise _not_numeric(name, values.dtype)


def _numpy_counts(values: npt.NDArray[Any]) -> CategoryCounts:
    if values.dtype.kind == "O":
        import pyarrow as pa

        return _arrow_counts(pa.array(values, from_pandas=True))
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
        return _numpy_numeric(name, self._columns[name])

    def category_counts(self, name: str) -> CategoryCounts:
        """Distinct values via ``np.unique`` (Arrow hashing for object arrays)."""
        return _numpy_counts(self._columns[name])


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
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        dtype = self._frame[name].dtype
        return bool(is_numeric_dtype(dtype) or is_bool_dtype(dtype))

    def is_boolean(self, name: str) -> bool:
        """Whether the pandas dtype is boolean."""
        from pandas.api.types import is_bool_dtype

        return bool(is_bool_dtype(self._frame[name].dtype))

    def numeric(self, name: str) -> FloatArray:
        """The column as float64 with NaN for missing values."""
        series = self._frame[name]
        if not self.is_numeric(name):
            raise _not_numeric(name, series.dtype)
        return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)

    def category_counts(self, name: str) -> CategoryCounts:
        """Counts from categorical codes, numpy values, or Arrow hashing of object columns."""
        import pyarrow as pa

        series = self._frame[name]
        if str(series.dtype) == "category":
            codes = np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)
            categories = series.cat.categories.tolist()
            counts = np.bincount(codes[codes >= 0], minlength=len(categories))
            found = counts_from_pairs(categories, counts)
            return CategoryCounts(found.labels, found.counts, found.n_missing + int(np.count_nonzero(codes < 0)))
        if self.is_boolean(name) or not self.is_numeric(name):
            return _arrow_counts(pa.array(series, from_pandas=True))
        return _numpy_counts(self.numeric(name))


class ArrowSource:
    """Columns of a pyarrow Table or RecordBatch."""

    def __init__(self, table: Any) -> None:
        self._table = table

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in schema order."""
        return tuple(self._table.schema.names)

    def _type(self, name: str) -> Any:
        return self._table.schema.field(name).type

    def is_numeric(self, name: str) -> bool:
        """Whether the Arrow type is integer, floating, decimal, boolean or all-null."""
        import pyarrow.types as pat

        kind = self._type(name)
        return bool(
            pat.is_integer(kind) or pat.is_floating(kind) or pat.is_boolean(kind) or pat.is_decimal(kind)
        ) or bool(pat.is_null(kind))

    def is_boolean(self, name: str) -> bool:
        """Whether the Arrow type is boolean."""
        import pyarrow.types as pat

        return bool(pat.is_boolean(self._type(name)))

    def numeric(self, name: str) -> FloatArray:
        """The column cast to float64 with NaN for nulls."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not self.is_numeric(name):
            raise _not_numeric(name, self._type(name))
        column = pc.cast(self._table.column(name), pa.float64())
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)

    def category_counts(self, name: str) -> CategoryCounts:
        """Counts by Arrow hashing (dictionary columns count their indices)."""
        return _arrow_counts(self._table.column(name))


def as_columns(data: Any, columns: Sequence[str] | None = None) -> ColumnSource:
    """Wrap a supported container as a :class:`ColumnSource`.

    Args:
        data: A pandas DataFrame, a pyarrow Table or RecordBatch, a mapping of column name to 1-D
            array-like, or a 2-D numpy array (then ``columns`` names its columns).
        columns: Column names for a 2-D numpy array; must be omitted otherwise.

    Returns:
        A source reading the columns without copying the whole table.

    Raises:
        ValidationError: If the container is unsupported or ``columns`` does not fit it.
    """
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and type(data).__name__ == "DataFrame":
        return PandasSource(data)
    if module == "pyarrow" and type(data).__name__ in {"Table", "RecordBatch"}:
        return ArrowSource(data)
    if isinstance(data, Mapping):
        return ArraySource({str(name): np.asarray(values) for name, values in data.items()})
    if isinstance(data, np.ndarray) and data.ndim == 2:
        if columns is None or len(columns) != data.shape[1]:
            raise ValidationError(
                "a 2-D array needs one column name per column",
                details={"n_columns": int(data.shape[1]), "n_names": None if columns is None else len(columns)},
            )
        return ArraySource({str(name): data[:, index] for index, name in enumerate(columns)})
    raise ValidationError(f"unsupported data container {type(data).__name__}", details={"type": type(data).__name__})
