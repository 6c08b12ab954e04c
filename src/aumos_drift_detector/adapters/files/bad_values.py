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

Checks run on whole Arrow arrays, a batch at a time (:class:`ValueChecks`), and report what a check of
the whole table reports; only the row of the first refused value is looked up.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from aumos_drift_detector.adapters.files.text_numbers import first_non_number
from aumos_drift_detector.core.errors import ValidationError

#: Largest magnitude a number may have: its square, summed over billions of rows, stays finite.
MAX_MAGNITUDE: Final[float] = 1e100


def first_true(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """Index of the first true value of a boolean array, or ``None``."""
    filled = pc.fill_null(mask, False)
    if not pc.any(filled).as_py():
        return None
    return int(pc.index(filled, True).as_py())


def not_finite_error(name: str, column: str, where: str, value: float, row: int) -> ValidationError:
    """The error that refuses an infinite value (``where`` is the row, and the line when known)."""
    return ValidationError(
        f"{name}: column {column!r}, {where}: {value} is not a finite number "
        "(an infinity, or a number too large for a 64-bit float); "
        "send a finite value, or an empty cell or null for a missing value",
        details={"column": column, "row": row, "problem": "not_finite"},
    )


def _nul_error(name: str, column: str, row: int, value: object) -> ValidationError:
    return ValidationError(
        f"{name}: column {column!r}, row {row}: {value!r} contains a NUL character",
        details={"column": column, "row": row, "problem": "nul"},
    )


def _huge_error(name: str, column: str, row: int, value: object) -> ValidationError:
    return ValidationError(
        f"{name}: column {column!r}, row {row}: {value!r} lies beyond ±{MAX_MAGNITUDE:g}, "
        "where the statistical tests overflow; send a sentinel value as an empty cell or null (missing)",
        details={"column": column, "row": row, "problem": "too_large", "limit": MAX_MAGNITUDE},
    )


def _text_type(data_type: pa.DataType) -> pa.DataType | None:
    """The text type of a (dictionary-encoded) string column, or ``None`` for another type."""
    value_type = data_type.value_type if pa.types.is_dictionary(data_type) else data_type
    return value_type if pa.types.is_string(value_type) or pa.types.is_large_string(value_type) else None


def _count_missing(column: pa.Array | pa.ChunkedArray) -> int:
    missing = int(column.null_count)
    if pa.types.is_floating(column.type):
        missing += int(pc.sum(pc.is_nan(column)).as_py() or 0)
    return missing


class ValueChecks:
    """The bad-value policy applied to a table read batch by batch, in the order of a whole-table check.

    Each batch adds its missing counts and the first refused value of each kind and column (with its
    row in the file); :meth:`refuse` then raises the error a check of the whole table would have
    raised first: an infinity (the first column that has one), else a NUL in a column name, a NUL in
    a text value or a number beyond ±:data:`MAX_MAGNITUDE` (the first column that has one).

    Args:
        name: The name to use in error messages.
        schema: The columns of every batch.
    """

    def __init__(self, name: str, schema: pa.Schema) -> None:
        self._name = name
        self._schema = schema
        self._missing = [0] * len(schema)
        self._infinite: dict[int, tuple[int, float]] = {}
        self._unrepresentable: dict[int, ValidationError] = {}
        self._first_text: dict[int, tuple[int, str]] = {}
        self._rows = 0

    @property
    def refused(self) -> bool:
        """Whether a batch so far holds a value the policy refuses."""
        return bool(self._infinite or self._unrepresentable)

    def add(self, batch: pa.RecordBatch | pa.Table) -> None:
        """Check one batch (or a whole table), the next rows of the file."""
        for index, (column, field) in enumerate(zip(batch.columns, self._schema, strict=True)):
            self._missing[index] += _count_missing(column)
            if pa.types.is_floating(field.type):
                self._check_numbers(index, column)
            elif (text := _text_type(field.type)) is not None:
                self._check_text(index, column.cast(text))
        self._rows += batch.num_rows

    def _check_text(self, index: int, column: pa.Array | pa.ChunkedArray) -> None:
        if index not in self._unrepresentable and (row := first_true(pc.match_substring(column, "\x00"))) is not None:
            name = self._schema.field(index).name
            self._unrepresentable[index] = _nul_error(self._name, name, self._rows + row + 1, column[row].as_py())
        if index not in self._first_text and (found := first_non_number(column)) is not None:
            self._first_text[index] = (self._rows + found[0] + 1, found[1])

    def _check_numbers(self, index: int, column: pa.Array | pa.ChunkedArray) -> None:
        if index not in self._infinite and (row := first_true(pc.is_inf(column))) is not None:
            self._infinite[index] = (self._rows + row + 1, column[row].as_py())
        if index not in self._unrepresentable:
            row = first_true(pc.greater(pc.abs(column), MAX_MAGNITUDE))
            if row is not None:
                field = self._schema.field(index)
                error = _huge_error(self._name, field.name, self._rows + row + 1, column[row].as_py())
                self._unrepresentable[index] = error

    def refuse(self) -> None:
        """Raise the error of the first refused value, if any batch had one.

        Raises:
            ValidationError: Naming the column, its row (1-based) and the value.
        """
        for index in sorted(self._infinite):
            row, value = self._infinite[index]
            raise not_finite_error(self._name, self._schema.field(index).name, f"row {row}", value, row)
        for index, field in enumerate(self._schema):
            if "\x00" in field.name:
                raise ValidationError(
                    f"{self._name}: the name of column {index + 1} ({field.name!r}) contains a NUL character",
                    details={"column": field.name, "problem": "nul_in_name"},
                )
            if index in self._unrepresentable:
                raise self._unrepresentable[index]

    def first_texts(self) -> dict[str, tuple[int, str]]:
        """The first value that is not a number of each text column (row 1-based, value), for columns with one."""
        return {self._schema.field(index).name: found for index, found in sorted(self._first_text.items())}

    def missing_values(self) -> dict[str, int]:
        """Missing values per column so far: nulls, and NaN in floating-point columns (columns with some)."""
        return {field.name: count for field, count in zip(self._schema, self._missing, strict=True) if count}


def missing_values(table: pa.Table) -> dict[str, int]:
    """Count the missing values of each column: nulls, and NaN in floating-point columns.

    Returns:
        The columns that have missing values, in table order, with their counts.
    """
    counts = {field.name: _count_missing(column) for column, field in zip(table.columns, table.schema, strict=True)}
    return {name: count for name, count in counts.items() if count}
