"""A table of plain columns: the in-memory fakes' stand-in for a stored window of production rows.

It satisfies the :class:`~aumos_drift_detector.core.ingest.table.Table` port and, being a mapping of
column name to NumPy array, is read by the statistical engine like any mapping of columns.

>>> table = ColumnTable.concat([{"age": [31, None]}, {"age": [45], "plan": ["pro"]}], ["age", "plan"])
>>> table.num_rows, table["age"].tolist(), table["plan"].tolist()
(3, [31.0, nan, 45.0], [None, None, 'pro'])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt


def _array(values: list[Any]) -> npt.NDArray[Any]:
    present = [value for value in values if value is not None]
    if present and all(isinstance(value, bool) for value in present) and len(present) == len(values):
        return np.asarray(values, dtype=bool)
    if all(isinstance(value, int | float) and not isinstance(value, bool) for value in present):
        return np.asarray([np.nan if value is None else value for value in values], dtype=np.float64)
    return np.asarray(values, dtype=object)


class ColumnTable(Mapping[str, npt.NDArray[Any]]):
    """Named columns of equal length.

    Args:
        columns: Column name -> values, in column order.
    """

    def __init__(self, columns: Mapping[str, list[Any]]) -> None:
        self._columns = {name: list(values) for name, values in columns.items()}
        self._arrays = {name: _array(values) for name, values in self._columns.items()}

    @classmethod
    def concat(cls, parts: Sequence[Mapping[str, list[Any]]], names: Sequence[str]) -> ColumnTable:
        """The rows of ``parts`` one after the other, of the named columns (missing where a part lacks one)."""
        columns: dict[str, list[Any]] = {name: [] for name in names}
        for part in parts:
            rows = len(next(iter(part.values()), []))
            for name in names:
                columns[name].extend(part[name] if name in part else [None] * rows)
        return cls(columns)

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        """One column as an array (float64 with NaN for numbers, bool, or object)."""
        return self._arrays[name]

    def __iter__(self) -> Iterator[str]:
        """The column names, in order."""
        return iter(self._columns)

    def __len__(self) -> int:
        """The number of columns."""
        return len(self._columns)

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return len(next(iter(self._columns.values()), []))

    @property
    def column_names(self) -> list[str]:
        """Column names, in order."""
        return list(self._columns)

    def select(self, columns: Sequence[str]) -> ColumnTable:
        """A table of the named columns only."""
        return ColumnTable({name: self._columns[name] for name in columns})

    def take(self, indices: Any) -> ColumnTable:
        """The rows at ``indices`` (a 1-D integer array), in that order."""
        positions = [int(index) for index in indices]
        return ColumnTable({name: [values[index] for index in positions] for name, values in self._columns.items()})

    def slice_last(self, rows: int) -> ColumnTable:
        """The last ``rows`` rows."""
        return ColumnTable({name: values[-rows:] if rows else [] for name, values in self._columns.items()})

    def to_pydict(self) -> dict[str, list[Any]]:
        """The columns as lists."""
        return {name: list(values) for name, values in self._columns.items()}
