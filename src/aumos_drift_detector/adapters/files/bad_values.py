"""The policy for bad values in a parsed table: what is counted as missing and what is refused.

Whatever the format, a table that was read is checked column by column before anyone uses it:

* **missing** (counted, never refused): null cells (in CSV the empty cell and the usual null markers
  ``NA``, ``null``, ``NaN``...; in JSON ``null``, ``NaN`` or an absent key) and NaN in floating-point
  columns. :func:`missing_values` returns the count per column, and the API reports it in the
  ``missing_values`` field of the upload's answer.
* **refused** (:class:`~aumos_drift_detector.core.errors.ValidationError`, HTTP 422): an infinite
  value in a floating-point column, whether written as ``inf``/``Infinity`` or produced by a
  number too large for a 64-bit float (``1e400``). The message names the column, the row (the first
  data row is row 1) and the value.

Checks run on whole Arrow arrays; only the row of the first refused value is looked up.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from aumos_drift_detector.core.errors import ValidationError


def _first_true(mask: pa.ChunkedArray) -> int | None:
    """Index of the first true value of a boolean array, or ``None``."""
    offset = 0
    for chunk in mask.chunks:
        filled = pc.fill_null(chunk, False)
        if pc.any(filled).as_py():
            return offset + int(pc.index(filled, True).as_py())
        offset += len(chunk)
    return None


def not_finite_error(name: str, column: str, where: str, value: float, row: int) -> ValidationError:
    """The error that refuses an infinite value (``where`` is the row, and the line when known)."""
    return ValidationError(
        f"{name}: column {column!r}, {where}: {value} is not a finite number "
        "(an infinity, or a number too large for a 64-bit float); "
        "send a finite value, or an empty cell or null for a missing value",
        details={"column": column, "row": row, "problem": "not_finite"},
    )


def refuse_infinite_values(table: pa.Table, name: str) -> None:
    """Refuse a table with an infinite value in any floating-point column.

    Raises:
        ValidationError: Naming the first such column, its row (1-based) and the value.
    """
    for column, field in zip(table.columns, table.schema, strict=True):
        if not pa.types.is_floating(field.type):
            continue
        row = _first_true(pc.is_inf(column))
        if row is not None:
            raise not_finite_error(name, field.name, f"row {row + 1}", column[row].as_py(), row + 1)


def missing_values(table: pa.Table) -> dict[str, int]:
    """Count the missing values of each column: nulls, and NaN in floating-point columns.

    Returns:
        The columns that have missing values, in table order, with their counts.
    """
    counts: dict[str, int] = {}
    for column, field in zip(table.columns, table.schema, strict=True):
        missing = column.null_count
        if pa.types.is_floating(field.type):
            missing += int(pc.sum(pc.is_nan(column)).as_py() or 0)
        if missing:
            counts[field.name] = missing
    return counts
