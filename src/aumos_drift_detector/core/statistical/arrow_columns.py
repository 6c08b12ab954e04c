"""Columns of a pyarrow Table or RecordBatch, read through the table's own methods.

pyarrow is never imported here: a column casts itself (``column.cast("float64")``), turns itself
into numpy (``to_numpy``) and counts its distinct values (``value_counts``, which for a dictionary
column counts its indices). Types are classified by their names (``int64``, ``double``, ``bool``,
``decimal128(10, 2)``, ``null``, ...).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.statistical.array_columns import not_numeric
from aumos_drift_detector.core.statistical.category_counts import CategoryCounts, counts_from_pairs

FloatArray = npt.NDArray[np.float64]
ArrowKind = Literal["integer", "floating", "boolean", "decimal", "null", "other"]

_INTEGERS = frozenset(f"{sign}int{bits}" for sign in ("", "u") for bits in (8, 16, 32, 64))
_FLOATS = frozenset({"halffloat", "float", "double"})


def arrow_kind(data_type: Any) -> ArrowKind:
    """What an Arrow data type holds, from its name.

    >>> arrow_kind("uint8"), arrow_kind("double"), arrow_kind("decimal128(5, 2)"), arrow_kind("string")
    ('integer', 'floating', 'decimal', 'other')
    """
    name = str(data_type)
    if name in _INTEGERS:
        return "integer"
    if name in _FLOATS:
        return "floating"
    if name == "bool":
        return "boolean"
    if name == "null":
        return "null"
    return "decimal" if name.startswith("decimal") else "other"


_VECTOR_TYPES = ("list<", "large_list<", "fixed_size_list<", "extension<")


def arrow_counts(array: Any) -> CategoryCounts:
    """Distinct values of an Arrow array or chunked array, counted by Arrow's hashing.

    A column of vectors (an embedding column: lists, fixed-size lists, tensors) has no categories;
    only its missing rows are counted.
    """
    if str(array.type).startswith(_VECTOR_TYPES):
        return counts_from_pairs([None], [int(array.null_count)])
    pairs = array.value_counts()
    return counts_from_pairs(pairs.field(0).to_pylist(), pairs.field(1).to_numpy(zero_copy_only=False))


class ArrowSource:
    """Columns of a pyarrow Table or RecordBatch."""

    def __init__(self, table: Any) -> None:
        self._table = table

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in schema order."""
        return tuple(self._table.schema.names)

    def _kind(self, name: str) -> ArrowKind:
        return arrow_kind(self._table.schema.field(name).type)

    def is_numeric(self, name: str) -> bool:
        """Whether the Arrow type is integer, floating, decimal, boolean or all-null."""
        return self._kind(name) != "other"

    def is_boolean(self, name: str) -> bool:
        """Whether the Arrow type is boolean."""
        return self._kind(name) == "boolean"

    def numeric(self, name: str) -> FloatArray:
        """The column cast to float64 with NaN for nulls."""
        if not self.is_numeric(name):
            raise not_numeric(name, self._table.schema.field(name).type)
        column = self._table.column(name).cast("float64")
        if hasattr(column, "num_chunks"):  # a Table's column is chunked; a RecordBatch's is not
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)

    def category_counts(self, name: str) -> CategoryCounts:
        """Counts by Arrow hashing (dictionary columns count their indices)."""
        return arrow_counts(self._table.column(name))
