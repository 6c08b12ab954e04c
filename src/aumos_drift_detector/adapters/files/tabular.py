"""Reading tabular files (CSV, Parquet, JSON records) into pyarrow Tables, in bounded memory.

Used by the ``check`` command for files on disk and by the REST API for uploaded bodies (spooled to
a temporary file first), so a source is an open binary file, a path, or raw bytes plus a format.
Every reader streams: CSV block by block (:mod:`.csv_reader`), Parquet row group by row group, JSON
record by record or block by block (:mod:`.json_records`); the peak memory is the resulting table
plus a block, not a copy of the file. Parser failures are wrapped into
:class:`~aumos_drift_detector.core.errors.ValidationError` whose message starts with the file's name.

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
from typing import IO, Final, Literal, TypeAlias

import pyarrow as pa
import pyarrow.parquet as pq

from aumos_drift_detector.adapters.files.bad_values import (
    missing_values,
    refuse_infinite_values,
    refuse_unrepresentable_values,
)
from aumos_drift_detector.adapters.files.csv_reader import DEFAULT_BLOCK_SIZE, read_csv
from aumos_drift_detector.adapters.files.json_records import read_json
from aumos_drift_detector.adapters.files.shared_file import SharedFile
from aumos_drift_detector.core.errors import ValidationError

TabularFormat: TypeAlias = Literal["csv", "parquet", "json"]
FORMATS: Final[tuple[TabularFormat, ...]] = ("csv", "parquet", "json")
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


def _read_parquet(source: SharedFile) -> pa.Table:
    parquet = pq.ParquetFile(source.reader())
    return pa.Table.from_batches(list(parquet.iter_batches()), schema=parquet.schema_arrow)


def _parse(file: IO[bytes], fmt: TabularFormat, name: str, csv_block_size: int) -> pa.Table:
    source = SharedFile(file)
    if fmt == "parquet":
        return _read_parquet(source)
    if fmt == "csv":
        return read_csv(source, name=name, block_size=csv_block_size)
    return read_json(source, name=name)


def _select(table: pa.Table, columns: Sequence[str] | None, name: str) -> pa.Table:
    names = table.schema.names
    duplicated = sorted({column for column in names if names.count(column) > 1})
    if duplicated:
        raise ValidationError(f"{name}: column {duplicated[0]!r} appears more than once", details={"file": name})
    if columns is None:
        return table
    for column in columns:
        if column not in names:
            raise ValidationError(
                f"{name}: no column {column!r} (columns: {', '.join(names)})", details={"file": name, "column": column}
            )
    return table.select(list(columns))


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
    if fmt not in FORMATS:
        raise ValidationError(f"{name}: unknown format {fmt!r}", details={"file": name, "format": fmt})
    try:
        table = _parse(file, fmt, name, csv_block_size)
    except (pa.ArrowException, ValueError, OSError, TypeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError(f"{name}: cannot read {fmt.upper()}: {reason}", details={"file": name}) from exc
    if table.num_rows == 0 or table.num_columns == 0:
        raise ValidationError(f"{name}: no rows", details={"file": name})
    table = _select(table, columns, name)
    refuse_infinite_values(table, name)
    refuse_unrepresentable_values(table, name)
    return ParsedTable(table=table, missing_values=missing_values(table))


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
