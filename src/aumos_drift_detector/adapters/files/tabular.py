"""Reading tabular files (CSV, Parquet, JSON records) into pyarrow Tables, in bounded memory.

Used by the ``check`` command for files on disk, so a source is an open binary file, a path, or raw
bytes plus a format. Every reader streams (:mod:`.table_scan`): CSV block by block
(:mod:`.csv_reader`), Parquet record batch by record batch, JSON record by record or block by block
(:mod:`.json_records`); the peak memory is the resulting table plus a block, not a copy of the file.
The REST API reads uploads with the same scan, into what it stores rather than into a table.
Parser failures are wrapped into :class:`~aumos_drift_detector.core.errors.ValidationError` whose
message starts with the file's name.

Bad values are never altered or dropped in silence; each is either counted as missing (and the
count reported) or refused with a message naming the column and the row:

=======================================  ====================================================
value                                    policy
=======================================  ====================================================
empty CSV cell, ``NA``, ``null``,        missing, counted per column (:mod:`.bad_values`)
``NaN`` (CSV); ``null``, ``NaN``, an
absent key (JSON); NaN (Parquet)
``inf``, ``Infinity``, ``1e400``         refused: not a finite number (:mod:`.bad_values`)
``1e308`` (beyond ±1e100), NUL in a      refused: the tests overflow, the database refuses NUL
column name or text value                (:mod:`.bad_values`)
a CSV quote not closed on its line       refused, naming line, row and column (:mod:`.csv_quotes`)
``true`` among JSON numbers, ``1`` among refused: one JSON kind per column (:mod:`.json_checks`)
booleans, mixed kinds, a repeated key
=======================================  ====================================================
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

import pyarrow as pa

from aumos_drift_detector.adapters.files.csv_reader import DEFAULT_BLOCK_SIZE
from aumos_drift_detector.adapters.files.json_records import records_table
from aumos_drift_detector.adapters.files.table_scan import FORMATS, TabularFormat, scan_table, scan_tabular
from aumos_drift_detector.core.errors import ValidationError

__all__ = ["FORMATS", "ParsedTable", "TabularFormat", "detect_format", "read_records", "read_table", "read_tabular"]

_SUFFIXES: Final[dict[str, TabularFormat]] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}


@dataclass(frozen=True, slots=True)
class ParsedTable:
    """A table read from a file, with what the bad-value policy counted.

    Attributes:
        table: The rows, column-oriented.
        missing_values: Missing values per column (only columns that have some).
    """

    table: pa.Table
    missing_values: dict[str, int]


def detect_format(name: str) -> TabularFormat:
    """The format implied by a file name's suffix.

    Raises:
        ValidationError: For a suffix that is not ``.csv``, ``.parquet``/``.pq`` or ``.json``/``.jsonl``/``.ndjson``.

    >>> detect_format("current.PARQUET")
    'parquet'
    """
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValidationError(
            f"{name}: cannot tell the format from the suffix {suffix!r} (use .csv, .parquet or .json)",
            details={"file": name},
        )
    return _SUFFIXES[suffix]


class _Batches:
    """Keeps every batch of a pass (a consumer for :func:`scan_tabular`)."""

    def __init__(self) -> None:
        self.batches: list[pa.RecordBatch] = []

    def start(self, names: Sequence[str]) -> bool:
        self.batches = []
        return True

    def add(self, batch: Any) -> None:
        self.batches.append(batch)


def read_tabular(
    file: IO[bytes],
    fmt: TabularFormat,
    *,
    name: str,
    columns: Sequence[str] | None = None,
    csv_block_size: int = DEFAULT_BLOCK_SIZE,
) -> ParsedTable:
    """Read an open CSV, Parquet or JSON-records file and apply the bad-value policy.

    Args:
        file: The file, opened in binary mode and seekable.
        fmt: ``"csv"``, ``"parquet"`` or ``"json"``.
        name: The name to use in error messages.
        columns: Keep only these columns, in this order.
        csv_block_size: Bytes of CSV text parsed at a time.

    Returns:
        The table and its missing-value counts per column.

    Raises:
        ValidationError: Unreadable or empty file, unknown format, a missing or duplicated column,
            or a refused value; the message starts with ``name``.
    """
    batches = _Batches()
    scanned = scan_tabular(file, fmt, name=name, consumer=batches, columns=columns, csv_block_size=csv_block_size)
    table = pa.Table.from_batches(batches.batches, schema=scanned.schema)
    return ParsedTable(table=table, missing_values=scanned.missing_values)


def read_records(records: Sequence[object], *, name: str) -> ParsedTable:
    """Read JSON records already decoded (objects) by the rules of a JSON array upload.

    Raises:
        ValidationError: A record that is not an object, or a refused value; the message starts with ``name``.
    """
    try:
        parsed = records_table(records, name=name)
    except ValueError as exc:
        raise ValidationError(f"{name}: cannot read JSON: {exc}", details={"file": name}) from exc
    batches = _Batches()
    scanned = scan_table(parsed, name=name, consumer=batches)
    table = pa.Table.from_batches(batches.batches, schema=scanned.schema)
    return ParsedTable(table=table, missing_values=scanned.missing_values)


def read_table(
    source: bytes | str | Path,
    fmt: TabularFormat | None = None,
    *,
    name: str | None = None,
    columns: Sequence[str] | None = None,
) -> pa.Table:
    """Read a CSV, Parquet or JSON-records file into a pyarrow Table.

    Args:
        source: A path, or the file's raw bytes.
        fmt: ``"csv"``, ``"parquet"`` or ``"json"``; detected from the path's suffix when omitted.
        name: The name to use in error messages (default: the path, or ``"<upload>"``).
        columns: Keep only these columns, in this order.

    Returns:
        The table.

    Raises:
        ValidationError: Unreadable or empty file, unknown format, a missing or duplicated column,
            or a refused value; the message starts with the file's name.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        label = name or "<upload>"
        return read_tabular(io.BytesIO(source), fmt or detect_format(label), name=label, columns=columns).table
    path = Path(source)
    label = name or str(path)
    fmt = fmt or detect_format(str(path))
    if not path.is_file():
        raise ValidationError(f"{label}: file not found", details={"file": label})
    with path.open("rb") as file:
        return read_tabular(file, fmt, name=label, columns=columns).table
