"""Embedding columns of a table as float matrices: Arrow lists, fixed-size lists, tensors and JSON text.

An embedding column holds one fixed-length vector of numbers per row. In Parquet (and JSON records
read into Arrow) it is a ``list``, ``large_list`` or ``fixed_size_list`` of numbers, or an Arrow
fixed-shape tensor (one-dimensional); in CSV it is text holding a JSON array such as
``"[0.12, -0.5, …]"``. Every row must hold a vector, all of one length, of finite numbers; anything
else is refused with a message naming the file, the column and the row.
"""

from __future__ import annotations

import json
import math

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from aumos_drift_detector.core.errors import ValidationError

FloatArray = npt.NDArray[np.float64]


def _refuse(name: str, column: str, problem: str, row: int | None = None) -> ValidationError:
    where = f", row {row + 1}" if row is not None else ""
    return ValidationError(
        f"{name}: embedding column {column!r}{where}: {problem}", details={"file": name, "column": column, "row": row}
    )


def _from_lists(values: pa.ChunkedArray, name: str, column: str) -> FloatArray:
    rows = values.combine_chunks()
    if rows.null_count:
        raise _refuse(name, column, "a row has no vector", int(np.flatnonzero(rows.is_null().to_numpy(False))[0]))
    lengths = np.asarray(rows.value_lengths().to_numpy(zero_copy_only=False))
    if len(lengths) and (lengths != lengths[0]).any():
        row = int(np.flatnonzero(lengths != lengths[0])[0])
        raise _refuse(name, column, f"has {lengths[row]} values where the first row has {lengths[0]}", row)
    flat = rows.flatten()
    if flat.null_count or (not pa.types.is_integer(flat.type) and not pa.types.is_floating(flat.type)):
        raise _refuse(name, column, "the vectors must hold numbers only")
    width = int(lengths[0]) if len(lengths) else 0
    return np.asarray(flat.to_numpy(zero_copy_only=False), dtype=np.float64).reshape(len(rows), width)


def _from_json_text(values: pa.ChunkedArray, name: str, column: str) -> FloatArray:
    vectors: list[list[float]] = []
    for row, text in enumerate(values.to_pylist()):
        try:
            vector = json.loads(text) if text is not None else None
        except json.JSONDecodeError as exc:
            raise _refuse(name, column, f"not a JSON array ({exc.msg})", row) from None
        if not isinstance(vector, list) or not all(
            isinstance(item, int | float) and not isinstance(item, bool) for item in vector
        ):
            raise _refuse(name, column, "expected a JSON array of numbers", row)
        if vectors and len(vector) != len(vectors[0]):
            raise _refuse(name, column, f"has {len(vector)} values where the first row has {len(vectors[0])}", row)
        vectors.append([float(item) for item in vector])
    return np.array(vectors, dtype=np.float64).reshape(len(vectors), len(vectors[0]) if vectors else 0)


def embedding_matrix(table: pa.Table, column: str, *, name: str) -> FloatArray:
    """The column's vectors, one per row.

    Args:
        table: The table read from the file.
        column: The embedding column.
        name: The file's name, for messages.

    Raises:
        ValidationError: A missing column, a row without a vector, vectors of different lengths,
            non-numeric or non-finite values, or a column type that holds no vectors.
    """
    if column not in table.column_names:
        raise ValidationError(f"{name}: no embedding column {column!r}", details={"file": name, "column": column})
    values = table.column(column)
    kind = values.type
    if isinstance(kind, pa.BaseExtensionType):
        values, kind = (
            pa.chunked_array([chunk.storage for chunk in values.chunks], type=kind.storage_type),
            kind.storage_type,
        )
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        matrix = _from_lists(values, name, column)
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        matrix = _from_json_text(values, name, column)
    else:
        raise _refuse(name, column, f"holds {kind}, not vectors (a list column or JSON arrays)")
    if not np.isfinite(matrix).all():
        row = int(np.flatnonzero(~np.isfinite(matrix).all(axis=1))[0])
        raise _refuse(name, column, "holds a value that is not a finite number", row)
    if matrix.shape[1] == 0 or math.prod(matrix.shape) == 0:
        raise _refuse(name, column, "holds no values")
    return matrix
