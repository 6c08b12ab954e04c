"""Reading CSV block by block, with the column types a whole-file read would give.

pyarrow's streaming reader holds one block (1 MiB) of text at a time, where reading the whole file
at once keeps every parsed block alive until the end (about three times the file's size). The
streaming reader fixes each column's type from the first block, though, so a column whose later
values need a wider type (integers, then ``2.5``; empty, then numbers) stops it with a conversion
error. The file is then read again with that column as text, keeping only its text, which the
whole-file inference types on its own; a last read gives the column that type from the start (the
other columns keep theirs), so the batches make up what ``pyarrow.csv.read_csv`` returns, and only
one block and the retyped column's text are ever held.

A value may not span lines. A line break inside quotes is almost always an unclosed quote, and
pyarrow, reading block by block, would fold the lines up to the next quote (or the end of the
block) into one value without a word. Such a file is refused with the line, the row and the
column where the quote was opened (see :mod:`~aumos_drift_detector.adapters.files.csv_quotes`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Final, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from aumos_drift_detector.adapters.files.bad_values import first_true
from aumos_drift_detector.adapters.files.csv_quotes import find_open_quote, open_quote_error
from aumos_drift_detector.adapters.files.shared_file import SharedFile
from aumos_drift_detector.adapters.files.unreadable import reading, unreadable
from aumos_drift_detector.core.errors import ValidationError

#: pyarrow's default block size.
DEFAULT_BLOCK_SIZE: Final[int] = 1 << 20
T = TypeVar("T")
_CONVERSION_ERROR: Final = re.compile(r"In CSV column #(\d+): CSV conversion error")


class _TypeChangedError(Exception):
    """A column's values in a later block do not fit the type inferred from the first block."""

    def __init__(self, column: str, error: pa.ArrowInvalid) -> None:
        super().__init__(column)
        self.column = column
        self.error = error


@contextlib.contextmanager
def _parsing(source: SharedFile, name: str) -> Iterator[None]:
    """A parse error is an unclosed quote if the file has one, else a file that cannot be read."""
    with reading("csv", name):
        try:
            yield
        except pa.ArrowInvalid:
            _refuse_open_quote(source, name)
            raise


def _refuse_open_quote(source: SharedFile, name: str) -> None:
    quote = find_open_quote(source)
    if quote is not None:
        raise open_quote_error(name, quote) from None


def _open(
    source: SharedFile, name: str, column_types: dict[str, pa.DataType], block_size: int
) -> pa_csv.CSVStreamingReader:
    options = pa_csv.ConvertOptions(strings_can_be_null=True, column_types=column_types)
    read_options = pa_csv.ReadOptions(block_size=block_size)
    with _parsing(source, name):
        return pa_csv.open_csv(source.reader(), read_options=read_options, convert_options=options)


def _batches(reader: pa_csv.CSVStreamingReader, source: SharedFile, name: str) -> Iterator[pa.RecordBatch]:
    """The reader's batches; a value that does not fit its column's type is a :class:`_TypeChangedError`."""
    while True:
        with _parsing(source, name):
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid as exc:
                match = _CONVERSION_ERROR.match(str(exc))
                if match is None:
                    raise
                raise _TypeChangedError(reader.schema.names[int(match.group(1))], exc) from exc
        yield batch


def _typed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Type a text column as a whole-file read would (a second, empty column keeps null rows' lines)."""
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(pa.table({"value": column, "keep": pa.nulls(len(column), pa.int8())}), sink)
    options = pa_csv.ConvertOptions(strings_can_be_null=True, include_columns=["value"])
    return pa_csv.read_csv(pa.BufferReader(sink.getvalue()), convert_options=options).column(0)


def _whole_file_types(source: SharedFile, name: str, text_columns: set[str], block_size: int) -> dict[str, pa.DataType]:
    """The types a whole-file read gives the columns whose type changes after the first block.

    The file is read with those columns as text (and read again whenever another column's type
    changes); only their text is kept, then typed over all of it.
    """
    while True:
        reader = _open(source, name, dict.fromkeys(text_columns, pa.string()), block_size)
        indices = [index for index, field in enumerate(reader.schema) if field.name in text_columns]
        kept: dict[int, list[pa.Array]] = {index: [] for index in indices}
        try:
            for batch in _batches(reader, source, name):
                for index in indices:
                    kept[index].append(batch.column(index))
        except _TypeChangedError as changed:
            if changed.column in text_columns:  # even text does not fit: invalid UTF-8
                raise unreadable("csv", name, changed.error) from changed.error
            text_columns = {*text_columns, changed.column}
            continue
        types: dict[str, pa.DataType] = {}
        for index in indices:  # a repeated column name (refused later) takes the first column's type
            with reading("csv", name):
                typed = _typed(pa.chunked_array(kept[index], pa.string())).type
            types.setdefault(reader.schema.field(index).name, typed)
        return types


def scan_csv(
    source: SharedFile, *, name: str, block_size: int, scan: Callable[[pa.Schema, Iterator[pa.RecordBatch]], T]
) -> T:
    """Read a CSV file block by block, handing its schema and batches to ``scan``; return what it returns.

    Empty cells and the usual null markers are nulls. When a column's type changes after the first
    block, ``scan`` is called again from the start, with the column typed as a whole-file read types it.

    Args:
        source: The file.
        name: The name to use in error messages.
        block_size: Bytes of text parsed at a time.
        scan: Reads one pass over the batches (and must not keep what it saw of an earlier pass).

    Raises:
        ValidationError: A quote is not closed on its line (naming line, row and column), or another
            parse error (a ragged row, invalid UTF-8...).
    """
    column_types: dict[str, pa.DataType] = {}
    while True:
        reader = _open(source, name, column_types, block_size)
        try:
            return scan(reader.schema, _batches(reader, source, name))
        except _TypeChangedError as changed:
            if changed.column in column_types:
                raise unreadable("csv", name, changed.error) from changed.error
            column_types = _whole_file_types(source, name, {*column_types, changed.column}, block_size)


def _may_hold_line_breaks(chunk: pa.Array) -> bool:
    """Whether the chunk's character data holds a line break anywhere (a fast scan of the raw buffer)."""
    data = chunk.buffers()[2]
    if data is None:
        return False
    characters = np.frombuffer(data, dtype=np.uint8)
    return bool(((characters == ord("\n")) | (characters == ord("\r"))).any())


class LineBreaks:
    """Finds text values that span lines, batch by batch, to refuse the file as a whole-file check would.

    Args:
        source: The file (searched for an unclosed quote when a value spans lines).
        name: The name to use in error messages.
    """

    def __init__(self, source: SharedFile, name: str) -> None:
        self._source = source
        self._name = name
        self._first: dict[int, int] = {}
        self._rows = 0

    @property
    def found(self) -> bool:
        """Whether a value spanning lines was seen."""
        return bool(self._first)

    def add(self, batch: pa.RecordBatch) -> None:
        """Look at the text columns of the next batch."""
        for index, (column, field) in enumerate(zip(batch.columns, batch.schema, strict=True)):
            if index in self._first or not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
                continue
            if _may_hold_line_breaks(column):
                row = first_true(pc.match_substring_regex(column, "[\r\n]"))
                if row is not None:
                    self._first[index] = self._rows + row
        self._rows += batch.num_rows

    def refuse(self, schema: pa.Schema) -> None:
        """Refuse the file if a value spans lines: at its unclosed quote if it has one, else at the value.

        Raises:
            ValidationError: Naming the line, row and column of the quote, or the column and row of the value.
        """
        if not self._first:
            return
        _refuse_open_quote(self._source, self._name)
        index = min(self._first)
        column, row = schema.field(index).name, self._first[index] + 1
        raise ValidationError(
            f"{self._name}: column {column!r}, row {row}: the value spans lines; CSV values cannot hold line breaks",
            details={"column": column, "row": row, "problem": "multiline_value"},
        )
