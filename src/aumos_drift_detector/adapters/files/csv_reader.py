"""Reading CSV block by block, with the column types a whole-file read would give.

pyarrow's streaming reader holds one block (1 MiB) of text at a time, where reading the whole file
at once keeps every parsed block alive until the end (about three times the file's size). The
streaming reader fixes each column's type from the first block, though, so a column whose later
values need a wider type (integers, then ``2.5``; empty, then numbers) stops it with a conversion
error. Such a column is then read again as text and typed on its own by the whole-file inference;
the other columns keep their types, so the table equals what ``pyarrow.csv.read_csv`` returns.

A value may not span lines. A line break inside quotes is almost always an unclosed quote, and
pyarrow, reading block by block, would fold the lines up to the next quote (or the end of the
block) into one value without a word. Such a file is refused with the line, the row and the
column where the quote was opened (see :mod:`~aumos_drift_detector.adapters.files.csv_quotes`).
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from aumos_drift_detector.adapters.files.csv_quotes import find_open_quote, open_quote_error
from aumos_drift_detector.adapters.files.shared_file import SharedFile
from aumos_drift_detector.core.errors import ValidationError

#: pyarrow's default block size.
DEFAULT_BLOCK_SIZE: Final[int] = 1 << 20
_CONVERSION_ERROR: Final = re.compile(r"In CSV column #(\d+): CSV conversion error")


class _TypeChangedError(Exception):
    """A column's values in a later block do not fit the type inferred from the first block."""

    def __init__(self, column: str, error: pa.ArrowInvalid) -> None:
        super().__init__(column)
        self.column = column
        self.error = error


def _convert_options(text_columns: set[str]) -> pa_csv.ConvertOptions:
    return pa_csv.ConvertOptions(
        strings_can_be_null=True, column_types={column: pa.string() for column in text_columns}
    )


def _read_blocks(source: SharedFile, text_columns: set[str], block_size: int) -> pa.Table:
    read_options = pa_csv.ReadOptions(block_size=block_size)
    reader = pa_csv.open_csv(source.reader(), read_options=read_options, convert_options=_convert_options(text_columns))
    batches = []
    try:
        for batch in reader:
            batches.append(batch)
    except pa.ArrowInvalid as exc:
        match = _CONVERSION_ERROR.match(str(exc))
        if match is None:
            raise
        raise _TypeChangedError(reader.schema.names[int(match.group(1))], exc) from exc
    return pa.Table.from_batches(batches, schema=reader.schema)


def _typed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Type a text column as a whole-file read would (a second, empty column keeps null rows' lines)."""
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(pa.table({"value": column, "keep": pa.nulls(len(column), pa.int8())}), sink)
    options = pa_csv.ConvertOptions(strings_can_be_null=True, include_columns=["value"])
    return pa_csv.read_csv(pa.BufferReader(sink.getvalue()), convert_options=options).column(0)


def _may_hold_line_breaks(chunk: pa.Array) -> bool:
    """Whether the chunk's character data holds a line break anywhere (a fast scan of the raw buffer)."""
    data = chunk.buffers()[2]
    if data is None:
        return False
    characters = np.frombuffer(data, dtype=np.uint8)
    return bool(((characters == ord("\n")) | (characters == ord("\r"))).any())


def _multiline_value(table: pa.Table) -> tuple[str, int] | None:
    """The first text value holding a line break, as (column, 0-based row)."""
    for column, field in zip(table.columns, table.schema, strict=True):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        offset = 0
        for chunk in column.chunks:
            if _may_hold_line_breaks(chunk):
                broken = pc.fill_null(pc.match_substring_regex(chunk, "[\r\n]"), False)
                if pc.any(broken).as_py():
                    return field.name, offset + int(pc.index(broken, True).as_py())
            offset += len(chunk)
    return None


def _refuse_multiline_values(table: pa.Table, source: SharedFile, name: str) -> None:
    found = _multiline_value(table)
    if found is None:
        return
    quote = find_open_quote(source)
    if quote is not None:
        raise open_quote_error(name, quote)
    column, row = found
    raise ValidationError(
        f"{name}: column {column!r}, row {row + 1}: the value spans lines; CSV values cannot hold line breaks",
        details={"column": column, "row": row + 1, "problem": "multiline_value"},
    )


def read_csv(source: SharedFile, *, name: str, block_size: int = DEFAULT_BLOCK_SIZE) -> pa.Table:
    """Read a CSV file block by block; empty cells and the usual null markers are nulls.

    Args:
        source: The file.
        name: The name to use in error messages.
        block_size: Bytes of text parsed at a time.

    Raises:
        ValidationError: A quote is not closed on its line (naming line, row and column).
        pyarrow.ArrowInvalid: Another parse error (a ragged row, invalid UTF-8...).
    """
    text_columns: set[str] = set()
    while True:
        try:
            table = _read_blocks(source, text_columns, block_size)
            break
        except _TypeChangedError as changed:
            if changed.column in text_columns:  # even text does not fit: invalid UTF-8
                raise changed.error from None
            text_columns.add(changed.column)
        except pa.ArrowInvalid:
            quote = find_open_quote(source)
            if quote is not None:
                raise open_quote_error(name, quote) from None
            raise
    _refuse_multiline_values(table, source, name)
    for column in text_columns:
        index = table.schema.get_field_index(column)
        typed = _typed(table.column(index))
        table = table.set_column(index, pa.field(column, typed.type), typed)
    return table
