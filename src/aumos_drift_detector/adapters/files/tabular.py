"""Reading tabular files (CSV, Parquet, JSON records) into pyarrow Tables.

Used by the ``check`` command for files on disk and by the REST API for uploaded bodies, so a
source is either a path or the raw bytes plus a format. Parser failures are wrapped into
:class:`~aumos_drift_detector.core.errors.ValidationError` whose message starts with the file's name.

JSON comes in two shapes: an array of records (``[{"age": 31, "plan": "pro"}, ...]``) or
newline-delimited records (one object per line). In CSV, empty cells and the usual null markers
(``NA``, ``null``, ``NaN``...) are missing values, in text columns as well.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Literal, TypeAlias

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

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


def _read_csv(data: pa.NativeFile) -> pa.Table:
    return pa_csv.read_csv(data, convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))


def _read_json(raw: bytes) -> pa.Table:
    if raw.lstrip()[:1] == b"[":
        records = json.loads(raw)
        if not all(isinstance(record, dict) for record in records):
            raise ValueError("a JSON array must hold objects (one per row)")
        return pa.Table.from_pylist(records)
    return pa_json.read_json(pa.BufferReader(raw))


def _parse(raw: bytes | None, path: Path | None, fmt: TabularFormat) -> pa.Table:
    if fmt == "parquet":
        return pq.read_table(pa.BufferReader(raw) if raw is not None else str(path))
    if fmt == "csv":
        return _read_csv(pa.BufferReader(raw) if raw is not None else pa.memory_map(str(path)))
    return _read_json(raw if raw is not None else Path(str(path)).read_bytes())


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
        ValidationError: Unreadable or empty file, unknown format, a missing or duplicated column;
            the message starts with the file's name.
    """
    raw = bytes(source) if isinstance(source, bytes | bytearray | memoryview) else None
    path = None if raw is not None else Path(source)  # type: ignore[arg-type]
    label = name or (str(path) if path is not None else "<upload>")
    if fmt is None:
        fmt = detect_format(label if path is None else str(path))
    if fmt not in FORMATS:
        raise ValidationError(f"{label}: unknown format {fmt!r}", details={"file": label, "format": fmt})
    if path is not None and not path.is_file():
        raise ValidationError(f"{label}: file not found", details={"file": label})
    try:
        table = _parse(raw, path, fmt)
    except (pa.ArrowException, ValueError, OSError, TypeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError(f"{label}: cannot read {fmt.upper()}: {reason}", details={"file": label}) from exc
    if table.num_rows == 0 or table.num_columns == 0:
        raise ValidationError(f"{label}: no rows", details={"file": label})
    return _select(table, columns, label)
