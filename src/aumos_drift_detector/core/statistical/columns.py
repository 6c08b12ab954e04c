"""Named columns read out of numpy, pandas and pyarrow containers, without importing pandas or pyarrow.

The engine asks a :class:`ColumnSource` for exactly two things per feature: a float64 view of a
numerical column (missing values as NaN) or the category counts of a categorical column. Neither
path turns a column into an object-dtype array of Python values: categoricals are counted through
their integer codes (pandas ``Categorical``, Arrow dictionaries) or by the container's own hashing,
and only the distinct values are turned into labels (:mod:`.category_counts`).

:func:`as_columns` recognises a container by the methods it offers (duck typing): a pyarrow Table or
RecordBatch by ``column_names``, ``schema`` and ``column``; a pandas DataFrame by ``columns``,
``dtypes`` and ``iloc``. Each source then calls only the container's own methods
(:mod:`.arrow_columns`, :mod:`.pandas_columns`, :mod:`.array_columns`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.array_columns import ArraySource
from aumos_drift_detector.core.statistical.arrow_columns import ArrowSource
from aumos_drift_detector.core.statistical.category_counts import CategoryCounts, category_label, counts_from_pairs
from aumos_drift_detector.core.statistical.pandas_columns import PandasSource

__all__ = [
    "ArraySource",
    "ArrowSource",
    "CategoryCounts",
    "ColumnSource",
    "PandasSource",
    "as_columns",
    "category_label",
    "counts_from_pairs",
]

FloatArray = npt.NDArray[np.float64]


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


def _is_arrow_table(data: Any) -> bool:
    return all(hasattr(data, attribute) for attribute in ("column_names", "schema", "column"))


def _is_pandas_frame(data: Any) -> bool:
    return all(hasattr(data, attribute) for attribute in ("columns", "dtypes", "iloc"))


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

    Example:
        >>> source = as_columns({"age": [31, 47, None]})
        >>> source.names, source.numeric("age").tolist()
        (('age',), [31.0, 47.0, nan])
    """
    if _is_pandas_frame(data):
        return PandasSource(data)
    if _is_arrow_table(data):
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
