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
* **refused** as well: a number beyond ±:data:`MAX_MAGNITUDE` (sums and squares of such values
  overflow inside the statistical tests, so no test could report a true statistic on them; values
  that large are sentinels, which belong in a missing cell), and a NUL character in a column name or
  a text value (PostgreSQL cannot store it, and it is never part of a real label).

Checks run on whole Arrow arrays; only the row of the first refused value is looked up.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from aumos_drift_detector.core.errors import ValidationError

#: Largest magnitude a number may have: its square, summed over billions of rows, stays finite.
MAX_MAGNITUDE: Final[float] = 1e100


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


def refuse_unrepresentable_values(table: pa.Table, name: str) -> None:
    """Refuse NUL in a column name or text value, and numbers beyond ±:data:`MAX_MAGNITUDE`.

    Raises:
        ValidationError: Naming the first such column, its row (1-based) and the value.
    """
    for index, (column, field) in enumerate(zip(table.columns, table.schema, strict=True)):
        if "\x00" in field.name:
            raise ValidationError(
                f"{name}: the name of column {index + 1} ({field.name!r}) contains a NUL character",
                details={"column": field.name, "problem": "nul_in_name"},
            )
        value_type = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if pa.types.is_string(value_type) or pa.types.is_large_string(value_type):
            _refuse_nul(column.cast(value_type), field.name, name)
        elif pa.types.is_floating(value_type):
            _refuse_huge(column, field.name, name)


def _refuse_nul(column: pa.ChunkedArray, column_name: str, name: str) -> None:
    row = _first_true(pc.match_substring(column, "\x00"))
    if row is not None:
        raise ValidationError(
            f"{name}: column {column_name!r}, row {row + 1}: {column[row].as_py()!r} contains a NUL character",
            details={"column": column_name, "row": row + 1, "problem": "nul"},
        )


def _refuse_huge(column: pa.ChunkedArray, column_name: str, name: str) -> None:
    row = _first_true(pc.greater(pc.abs(column), MAX_MAGNITUDE))
    if row is not None:
        raise ValidationError(
            f"{name}: column {column_name!r}, row {row + 1}: {column[row].as_py()!r} lies beyond ±{MAX_MAGNITUDE:g}, "
            "where the statistical tests overflow; send a sentinel value as an empty cell or null (missing)",
            details={"column": column_name, "row": row + 1, "problem": "too_large", "limit": MAX_MAGNITUDE},
        )


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
