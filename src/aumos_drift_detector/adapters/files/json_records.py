"""Reading JSON records in bounded memory: an array of objects, or one object per line.

* **An array** (``[{"age": 31, "plan": "pro"}, ...]``) is decoded one record at a time from text read
  in 1 MiB chunks; every :data:`BATCH_ROWS` records become an Arrow batch, so only one batch of
  Python objects is alive at a time. Every record is checked by
  :class:`~aumos_drift_detector.adapters.files.json_checks.RecordChecker`. The columns are every key
  of any record, in the order first seen; a record without a key has a missing value there.
* **JSON lines** (one object per line) are read by pyarrow's block reader, which types each column
  from the first block; when a later block does not fit (a new key, integers then decimals), the
  file is read again by pyarrow's whole-file reader, which types the columns over all the data. If
  pyarrow refuses the file, the lines are scanned record by record to name the row, the line and
  the column at fault.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Final

import pyarrow as pa
import pyarrow.json as pa_json

from aumos_drift_detector.adapters.files.json_checks import DuplicateKeyError, RecordChecker, unique_keys
from aumos_drift_detector.adapters.files.shared_file import SharedFile
from aumos_drift_detector.core.errors import ValidationError

#: Records turned into one Arrow batch at a time.
BATCH_ROWS: Final[int] = 8192
_CHUNK: Final[int] = 1 << 20
_SPACE: Final = re.compile(r"[ \t\n\r]*")
#: The start of a line whose first character that is not white space does not open an object.
_NOT_AN_OBJECT: Final = re.compile(rb"^[ \t\r]*[^{ \t\r\n]", re.MULTILINE)


def _texts(file: IO[bytes]) -> Iterator[str]:
    """The file's text in chunks, in the encoding JSON detection gives (UTF-8, -16 or -32)."""
    head = file.read(4)
    decoder = codecs.getincrementaldecoder(json.detect_encoding(head))()
    chunk = head
    while chunk:
        yield decoder.decode(chunk)
        chunk = file.read(_CHUNK)
    yield decoder.decode(b"", final=True)


class _RecordSyntaxError(ValueError):
    """A record of a JSON array that does not parse, with where it fails."""


class _Text:
    """A window on the text, refilled from the chunks as decoding moves on."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.text = ""
        self.position = 0
        self._dropped = 0  # characters before ``text`` (already decoded)
        self._lines = 0  # line breaks among them
        self._line_start = 0  # where the line holding the start of ``text`` starts

    def _more(self) -> bool:
        """Append at least as much text as is left (so a long record costs O(n) retries); False at the end."""
        self._drop(self.position)
        rest = self.text[self.position :]
        parts = [rest]
        added = 0
        for chunk in self._chunks:
            parts.append(chunk)
            added += len(chunk)
            if added >= max(len(rest), 1):
                break
        self.text, self.position = "".join(parts), 0
        return added > 0

    def _drop(self, count: int) -> None:
        dropped = self.text[:count]
        breaks = dropped.count("\n")
        if breaks:
            self._lines += breaks
            self._line_start = self._dropped + dropped.rindex("\n") + 1
        self._dropped += count

    def where(self, position: int | None = None) -> str:
        """Where a position of the window (default: the cursor) lies in the whole text: line and column, 1-based."""
        at = self.position if position is None else position
        before = self.text[:at]
        breaks = before.count("\n")
        start = self._dropped + before.rindex("\n") + 1 if breaks else self._line_start
        return f"line {self._lines + breaks + 1}, column {self._dropped + at - start + 1}"

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the text)."""
        while True:
            match = _SPACE.match(self.text, self.position)
            self.position = match.end() if match else self.position
            if self.position < len(self.text):
                return self.text[self.position]
            if not self._more():
                return ""

    def value(self, decoder: json.JSONDecoder) -> object:
        """Decode the JSON value that starts here."""
        while True:
            try:
                value, self.position = decoder.raw_decode(self.text, self.position)
                return value
            except json.JSONDecodeError:
                if not self._more():
                    # decode once more, so the error's position is one of this window (``where`` reads it)
                    value, self.position = decoder.raw_decode(self.text, self.position)
                    return value


def _array_records(file: IO[bytes], decoder: json.JSONDecoder) -> Iterator[object]:
    text = _Text(_texts(file))
    if text.peek() != "[":
        raise ValueError("a JSON array must start with '['")
    text.position += 1
    if text.peek() == "]":
        text.position += 1
    else:
        while True:
            text.peek()
            try:
                yield text.value(decoder)
            except json.JSONDecodeError as exc:
                raise _RecordSyntaxError(f"{exc.msg} at {text.where(exc.pos)}") from None
            following = text.peek()
            if following != "]" and following != ",":
                found = repr(following) if following else "the end"
                raise _RecordSyntaxError(f"expected ',' or ']' after a record at {text.where()}, found {found}")
            text.position += 1
            if following == "]":
                break
    if text.peek():
        raise ValueError("extra data after the array")


class _Batches:
    """Records gathered into Arrow batches, column by column."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._columns: dict[str, list[object]] = {}
        self._rows = 0
        self.tables: list[pa.Table] = []

    def add(self, record: dict[str, object]) -> None:
        for key, value in record.items():
            column = self._columns.get(key)
            if column is None:
                column = self._columns[key] = [None] * self._rows
            column.append(value)
        self._rows += 1
        if len(record) != len(self._columns):
            for column in self._columns.values():
                if len(column) < self._rows:
                    column.append(None)
        if self._rows >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        arrays = {}
        for key, values in self._columns.items():
            try:
                arrays[key] = pa.array(values)
            except (pa.ArrowException, OverflowError) as exc:
                raise ValidationError(
                    f"{self._name}: column {key!r}: {exc}", details={"column": key, "problem": "unconvertible"}
                ) from exc
        self.tables.append(pa.table(arrays))
        self._columns = {key: [] for key in self._columns}
        self._rows = 0

    def table(self) -> pa.Table:
        """The records added, as one table."""
        self.flush()
        if not self.tables:
            return pa.table({})
        return pa.concat_tables(self.tables, promote_options="permissive")


def read_json_array(source: SharedFile, *, name: str) -> pa.Table:
    """Read a JSON array of objects (see the module docstring).

    Raises:
        ValidationError: A record breaks a rule of the checker (naming row and column).
        ValueError: The text is not a JSON array of values.
    """
    checker, batches = RecordChecker(name), _Batches(name)
    records = _array_records(source.reader(), json.JSONDecoder(object_pairs_hook=unique_keys))
    row = 0
    try:
        for row, record in enumerate(records, start=1):
            batches.add(checker.check(record, row=row))
    except DuplicateKeyError as exc:
        raise checker.duplicate_key(exc.key, row=row + 1) from None
    except _RecordSyntaxError as exc:
        raise ValueError(f"row {row + 1}: {exc}") from None
    return batches.table()


def records_table(records: Iterable[object], *, name: str) -> pa.Table:
    """Gather JSON records already decoded (objects) into a table, by the rules of a JSON array.

    Raises:
        ValidationError: A record breaks a rule of the checker (naming row and column).
        ValueError: A record is not an object.
    """
    checker, batches = RecordChecker(name), _Batches(name)
    for row, record in enumerate(records, start=1):
        batches.add(checker.check(record, row=row))
    return batches.table()


def _refuse_lines_without_an_object(source: SharedFile) -> None:
    """Refuse a line that holds something other than an object, before pyarrow reads the file.

    pyarrow's JSON readers crash the process (a segmentation fault) when a block starts with a line
    holding ``null``, so no such line may reach them; any non-object line is refused the same way.
    """
    file, carry, lines_before = source.reader(), b"", 0
    while True:
        chunk = file.read(_CHUNK)
        text = carry + chunk
        end = text.rfind(b"\n") + 1 if chunk else len(text)
        complete, carry = text[:end], text[end:]
        found = _NOT_AN_OBJECT.search(complete)
        if found:
            line = lines_before + complete.count(b"\n", 0, found.start()) + 1
            raise ValueError(f"line {line}: each line must hold one JSON object")
        lines_before += complete.count(b"\n")
        if not chunk:
            return


def _blocks(source: SharedFile) -> pa.Table:
    reader = pa_json.open_json(source.reader())
    return pa.Table.from_batches(list(reader), schema=reader.schema)


def _unreadable(name: str, reason: str, *, row: int) -> ValidationError:
    return ValidationError(f"{name}: cannot read JSON: {reason}", details={"file": name, "row": row})


def _find_bad_line(source: SharedFile, name: str) -> ValidationError | None:
    """Scan JSON lines for the first record that breaks a rule; the error naming it, if any."""
    checker, decoder = RecordChecker(name), json.JSONDecoder(object_pairs_hook=unique_keys)
    row = 0
    for line_number, line in enumerate(source.reader(), start=1):
        if not line.strip():
            continue
        row += 1
        try:
            checker.check(decoder.decode(line.decode("utf-8")), row=row, line=line_number)
        except DuplicateKeyError as exc:
            return checker.duplicate_key(exc.key, row=row, line=line_number)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            reason = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
            return _unreadable(name, f"row {row} (line {line_number}): {reason}", row=row)
        except ValueError as exc:
            return _unreadable(name, str(exc), row=row)
        except ValidationError as error:
            return error
    return None


def read_json_lines(source: SharedFile, *, name: str) -> pa.Table:
    """Read one JSON object per line (see the module docstring).

    Raises:
        ValidationError: A record breaks a rule of the checker (naming row, line and column).
        ValueError: A line holds something other than an object (naming the line).
        pyarrow.ArrowInvalid: pyarrow refused the file for a reason the scan did not find.
    """
    _refuse_lines_without_an_object(source)
    try:
        return _blocks(source)
    except pa.ArrowInvalid:
        pass
    try:
        return pa_json.read_json(source.reader())
    except pa.ArrowInvalid:
        error = _find_bad_line(source, name)
        if error is not None:
            raise error from None
        raise


def read_json(source: SharedFile, *, name: str) -> pa.Table:
    """Read JSON records in either shape, told apart by the first character that is not white space."""
    file = source.reader()
    head = file.read(_CHUNK).lstrip()
    while not head:
        chunk = file.read(_CHUNK)
        if not chunk:
            break
        head = chunk.lstrip()
    if head[:1] == b"[":
        return read_json_array(source, name=name)
    return read_json_lines(source, name=name)
