"""One pass over a CSV, Parquet or JSON file: its batches go to a consumer while every value is checked.

:func:`scan_tabular` reads a file batch by batch (CSV a block at a time, Parquet a record batch at a
time, JSON as its reader gives it), hands each batch to a
:class:`~aumos_drift_detector.core.ingest.upload.BatchConsumer` and applies the bad-value policy
(:mod:`.bad_values`) as it goes. A problem found in one batch does not end the pass: the file is read
to its end, so the error raised is the one a check of the whole table raises first (a parse error
anywhere, then a value spanning lines, an empty table, a repeated or missing column, then the
refused values in column order). The consumer stops getting batches once a problem is found.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Final, TypeAlias

import pyarrow as pa
import pyarrow.parquet as pq

from aumos_drift_detector.adapters.files.bad_values import ValueChecks
from aumos_drift_detector.adapters.files.csv_reader import DEFAULT_BLOCK_SIZE, LineBreaks, scan_csv
from aumos_drift_detector.adapters.files.json_records import read_json
from aumos_drift_detector.adapters.files.shared_file import SharedFile
from aumos_drift_detector.adapters.files.unreadable import guarded, reading
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.ingest.upload import BatchConsumer, TableFormat

TabularFormat: TypeAlias = TableFormat
FORMATS: Final[tuple[TabularFormat, ...]] = ("csv", "parquet", "json")


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a pass over a file found.

    Attributes:
        schema: The columns (the selected ones, when a selection was asked for).
        rows: Number of rows.
        missing_values: Missing values per column (only columns that have some).
        first_texts: The first value that is not a number of each text column (its 1-based row and the value),
            so that a text column declared numerical is refused naming the value.
    """

    schema: pa.Schema
    rows: int
    missing_values: dict[str, int]
    first_texts: dict[str, tuple[int, str]] = field(default_factory=dict)


def _selection(names: list[str], columns: Sequence[str] | None, name: str) -> ValidationError | None:
    """Why the columns cannot be selected (a repeated name, a missing column), if they cannot."""
    duplicated = sorted({column for column in names if names.count(column) > 1})
    if duplicated:
        return ValidationError(f"{name}: column {duplicated[0]!r} appears more than once", details={"file": name})
    for column in columns or ():
        if column not in names:
            return ValidationError(
                f"{name}: no column {column!r} (columns: {', '.join(names)})", details={"file": name, "column": column}
            )
    return None


@dataclass(frozen=True, slots=True)
class _Pass:
    """Reads one pass over a file's batches."""

    name: str
    consumer: BatchConsumer
    columns: Sequence[str] | None
    line_breaks: LineBreaks | None

    def __call__(self, schema: pa.Schema, batches: Iterator[pa.RecordBatch]) -> ScanResult:
        problem = _selection(schema.names, self.columns, self.name)
        selected = (
            schema
            if problem is not None or self.columns is None
            else pa.schema([schema.field(column) for column in self.columns], metadata=schema.metadata)
        )
        checks = ValueChecks(self.name, selected)
        feeding = problem is None and self.consumer.start(selected.names)
        rows = 0
        for batch in batches:
            if self.line_breaks is not None:
                self.line_breaks.add(batch)
            rows += batch.num_rows
            if problem is None:
                part = batch if self.columns is None else batch.select(list(self.columns))
                checks.add(part)
                feeding = feeding and not checks.refused and not (self.line_breaks and self.line_breaks.found)
                if feeding:
                    self.consumer.add(part)
        return self._result(schema, selected, rows, checks, problem)

    def _result(
        self, schema: pa.Schema, selected: pa.Schema, rows: int, checks: ValueChecks, problem: ValidationError | None
    ) -> ScanResult:
        if self.line_breaks is not None:
            self.line_breaks.refuse(schema)
        if rows == 0 or len(schema) == 0:
            raise ValidationError(f"{self.name}: no rows", details={"file": self.name})
        if problem is not None:
            raise problem
        checks.refuse()
        return ScanResult(selected, rows, checks.missing_values(), checks.first_texts())


def _parquet(source: SharedFile, fmt: TabularFormat, name: str, scan: _Pass) -> ScanResult:
    with reading(fmt, name):
        # reading column chunks as they are decoded, on this thread, holds about half the memory of
        # buffering a row group's chunks ahead and decoding its columns in parallel, as fast
        parquet = pq.ParquetFile(source.reader(), pre_buffer=False)
    return scan(parquet.schema_arrow, guarded(parquet.iter_batches(use_threads=False), fmt, name))


def _json(source: SharedFile, fmt: TabularFormat, name: str, scan: _Pass) -> ScanResult:
    with reading(fmt, name):
        table = read_json(source, name=name)
    return scan(table.schema, iter(table.to_batches()))


def scan_tabular(
    file: IO[bytes],
    fmt: TabularFormat,
    *,
    name: str,
    consumer: BatchConsumer,
    columns: Sequence[str] | None = None,
    csv_block_size: int = DEFAULT_BLOCK_SIZE,
) -> ScanResult:
    """Read an open CSV, Parquet or JSON-records file into ``consumer`` and apply the bad-value policy.

    Args:
        file: The file, opened in binary mode and seekable.
        fmt: ``"csv"``, ``"parquet"`` or ``"json"``.
        name: The name to use in error messages.
        consumer: Takes the batches (of the selected columns) while no problem has been found; a CSV
            file whose column types change after the first block is read again from the start.
        columns: Keep only these columns, in this order (and check only these).
        csv_block_size: Bytes of CSV text parsed at a time.

    Returns:
        The columns, the number of rows and the missing values.

    Raises:
        ValidationError: Unreadable or empty file, unknown format, a missing or duplicated column,
            or a refused value; the message starts with ``name``.
    """
    if fmt not in FORMATS:
        raise ValidationError(f"{name}: unknown format {fmt!r}", details={"file": name, "format": fmt})
    try:
        return _scan(SharedFile(file), fmt, name, consumer, columns, csv_block_size)
    finally:
        # pyarrow's allocator keeps what the parsers freed for reuse; hand it back to the system
        pa.default_memory_pool().release_unused()


def scan_table(table: pa.Table, *, name: str, consumer: BatchConsumer) -> ScanResult:
    """Apply the bad-value policy to a table already read (JSON records decoded elsewhere) into ``consumer``.

    Raises:
        ValidationError: An empty table or a refused value; the message starts with ``name``.
    """
    return _Pass(name, consumer, None, None)(table.schema, iter(table.to_batches()))


def _scan(
    source: SharedFile,
    fmt: TabularFormat,
    name: str,
    consumer: BatchConsumer,
    columns: Sequence[str] | None,
    csv_block_size: int,
) -> ScanResult:
    if fmt == "csv":
        scan = partial(_Pass, name, consumer, columns)
        return scan_csv(
            source, name=name, block_size=csv_block_size, scan=lambda *read: scan(LineBreaks(source, name))(*read)
        )
    reader = _parquet if fmt == "parquet" else _json
    return reader(source, fmt, name, _Pass(name, consumer, columns, None))
