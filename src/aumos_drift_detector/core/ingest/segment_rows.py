"""Rows grouped by segment: the key of each row from the segment columns, and each segment's columns.

Both the reference upload (one profile per segment) and the run (one check per segment) split rows
this way, so a segment's label is spelled the same on both sides.

>>> parts = split_by_segment({"x": [1.0, 2.0, 3.0], "country": ["DE", "FR", "DE"]}, ["country"], ["x"])
>>> {key: part["x"].tolist() for key, part in parts.items()}
{'country=DE': [1.0, 3.0], 'country=FR': [2.0]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.ingest.column_table import ColumnTable
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.monitors.segments import segment_key

Columns = dict[str, npt.NDArray[Any]]
"""A segment's rows: column name -> values (float64 with NaN for numbers, bool, or object)."""


def row_keys(data: Mapping[str, Sequence[Any]], by: Sequence[str]) -> list[str]:
    """The segment label of every row (a column a table lacks counts as missing)."""
    rows = len(next(iter(data.values()), []))
    parts = [data[name] if name in data else [None] * rows for name in by]
    return [segment_key(values, list(by)) for values in zip(*parts, strict=True)]


def split_by_segment(data: Mapping[str, Sequence[Any]], by: Sequence[str], names: Sequence[str]) -> dict[str, Columns]:
    """The columns ``names`` of the rows of each segment, in row order.

    Args:
        data: The rows, column by column (``Table.to_pydict()``).
        by: The segment columns.
        names: The columns to keep of each segment.
    """
    table = ColumnTable({name: list(data[name]) for name in names})
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(row_keys(data, by)):
        groups.setdefault(key, []).append(index)
    parts: dict[str, Columns] = {}
    for key, indices in groups.items():
        taken = np.asarray(indices, dtype=np.intp)
        parts[key] = {name: table[name][taken] for name in names}
    return parts


def segment_indices(table: Table, by: Sequence[str]) -> dict[str, npt.NDArray[np.intp]]:
    """The positions of each segment's rows in ``table``, ascending.

    Only the segment columns are read as Python values, and each distinct combination of them is spelled
    as a label once (as :func:`row_keys` spells it); a column the table lacks counts as missing.
    """
    rows = table.num_rows
    present = [name for name in by if name in table.column_names]
    data = table.select(present).to_pydict() if present else {}
    columns = [data[name] if name in data else [None] * rows for name in by]
    found: dict[tuple[Any, ...], int] = {}
    codes = np.fromiter((found.setdefault(values, len(found)) for values in zip(*columns, strict=True)), np.intp, rows)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(found) + 1))
    groups: dict[str, list[npt.NDArray[np.intp]]] = {}
    for code, values in enumerate(found):
        groups.setdefault(segment_key(values, list(by)), []).append(order[bounds[code] : bounds[code + 1]])
    return {key: parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts)) for key, parts in groups.items()}


def concat_columns(parts: Sequence[Columns], names: Sequence[str]) -> Columns:
    """The parts' rows one after the other (an object column where the parts' types differ)."""
    joined: Columns = {}
    for name in names:
        arrays = [part[name] for part in parts]
        kinds = {array.dtype for array in arrays}
        joined[name] = np.concatenate(arrays if len(kinds) == 1 else [array.astype(object) for array in arrays])
    return joined
