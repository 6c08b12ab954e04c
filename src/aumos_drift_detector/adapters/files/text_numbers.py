"""The first value of a text column that is not a number: what makes a column declared numerical unusable.

A CSV column with one word among its numbers is read as text; the message that refuses it should point
at that word (``column 'age', row 2: 'old' is not a number``), not only say the column is not numeric.

>>> import pyarrow as pa
>>> first_non_number(pa.chunked_array([["31", None], [" 4.5e1", "old", "x"]]))
(3, 'old')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from aumos_drift_detector.core.errors import ValidationError

#: A decimal number as the CSV reader parses one (an infinity included; it is refused later, by its own rule).
NUMBER_PATTERN: Final[str] = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$|^\s*[+-]?(inf|infinity)\s*$"


def first_non_number(column: pa.Array | pa.ChunkedArray) -> tuple[int, str] | None:
    """The 0-based position and value of the first non-missing text value that is not a number, or ``None``."""
    text = column.cast(pa.large_string()) if pa.types.is_dictionary(column.type) else column
    numbers = pc.match_substring_regex(text, NUMBER_PATTERN, ignore_case=True)
    mask = pc.fill_null(pc.invert(numbers), False)
    if not pc.any(mask).as_py():
        return None
    position = int(pc.index(mask, True).as_py())
    return position, str(text[position].as_py())


def not_a_number_error(name: str, column: str, row: int, value: str) -> ValidationError:
    """The error that refuses a text value in a column declared numerical (``row`` is 1-based)."""
    return ValidationError(
        f"{name}: column {column!r}, row {row}: {value!r} is not a number in a numerical feature; "
        "send a number, or an empty cell or null for a missing value",
        details={"column": column, "row": row, "value": value, "problem": "not_a_number"},
    )


def refuse_text_in_numbers(table: pa.Table, numerical: Iterable[str], *, name: str) -> None:
    """Refuse a text column among the columns declared numerical, naming its first value that is not a number.

    Args:
        table: The table read from a file.
        numerical: The names of its columns declared numerical (absent ones are skipped).
        name: The file's name, at the front of the message.

    Raises:
        ValidationError: Naming the column, the row (the first data row is row 1) and the value.
    """
    for column in numerical:
        if column not in table.column_names:
            continue
        values = table.column(column)
        value_type = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
        if not (pa.types.is_string(value_type) or pa.types.is_large_string(value_type)):
            continue
        found = first_non_number(values)
        if found is not None:
            raise not_a_number_error(name, column, found[0] + 1, found[1])
