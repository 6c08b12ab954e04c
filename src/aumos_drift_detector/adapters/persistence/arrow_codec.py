"""Compact binary storage of row batches: Arrow IPC streams, zstd-compressed.

An upload is compressed batch by batch as it is read (:class:`ArrowIpcTableWriter`), so only the
compressed stream is ever held; a table in memory is encoded with :func:`encode_table`. Encoding and
decoding take a while for large batches; callers run them in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pyarrow as pa

_OPTIONS: Final = pa.ipc.IpcWriteOptions(compression="zstd")


class EncodedTable:
    """A table already in its stored form, a compressed Arrow IPC stream (a core ``Table``).

    Args:
        payload: The stream.
        schema: Its columns.
        rows: Its number of rows.
    """

    def __init__(self, payload: bytes, schema: pa.Schema, rows: int) -> None:
        self.payload = payload
        self.schema = schema
        self._rows = rows

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return self._rows

    @property
    def column_names(self) -> list[str]:
        """Column names, in order."""
        return list(self.schema.names)

    def select(self, columns: Sequence[str]) -> pa.Table:
        """The named columns, decoded."""
        return decode_table(self.payload).select(list(columns))

    def take(self, indices: Any) -> pa.Table:
        """The rows at ``indices``, decoded."""
        return decode_table(self.payload).take(indices)

    def to_pydict(self) -> dict[str, list[Any]]:
        """The columns as lists of Python values, decoded."""
        columns: dict[str, list[Any]] = decode_table(self.payload).to_pydict()
        return columns


class ArrowIpcTableWriter:
    """Compresses the batches of an upload into an Arrow IPC stream as they come (a core ``TableWriter``).

    Only the stream is kept, a few times smaller than the rows it holds, so a large upload is never
    in memory as a table.

    Args:
        columns: The columns to keep, in this order.
    """

    def __init__(self, columns: Sequence[str]) -> None:
        self._columns = list(columns)
        self._sink = io.BytesIO()
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None
        self._schema: pa.Schema | None = None
        self._rows = 0

    def start(self, names: Sequence[str]) -> bool:
        """Forget any batch written so far; whether batches with these columns hold the ones to keep."""
        if self._writer is not None:
            self._writer.close()
        self._sink, self._writer, self._schema, self._rows = io.BytesIO(), None, None, 0
        return set(self._columns) <= set(names)

    def add(self, batch: pa.RecordBatch | pa.Table | Mapping[str, Any]) -> None:
        """Compress the next batch's columns into the stream.

        A batch that is not Arrow (core's ``ColumnTable``, read back from in-memory storage) is a mapping
        of column names to arrays.
        """
        if isinstance(batch, pa.RecordBatch | pa.Table):
            part = batch.select(self._columns)
        else:
            part = pa.table({name: batch[name] for name in self._columns})
        if self._writer is None:
            self._schema = part.schema
            self._writer = pa.ipc.new_stream(pa.PythonFile(self._sink, mode="w"), part.schema, options=_OPTIONS)
        self._writer.write(part)
        self._rows += part.num_rows

    def finish(self) -> EncodedTable:
        """The stream of the batches taken."""
        if self._writer is None or self._schema is None:
            self.add(pa.table({name: pa.nulls(0) for name in self._columns}))
            return self.finish()
        self._writer.close()
        payload, self._sink, self._writer = self._sink.getvalue(), io.BytesIO(), None  # getvalue does not copy
        return EncodedTable(payload, self._schema, self._rows)


def encode_table(table: pa.Table | EncodedTable) -> bytes:
    """Serialise a table to a compressed Arrow IPC stream (an :class:`EncodedTable` already is one).

    The stream is written straight into a :class:`io.BytesIO`, whose ``getvalue`` hands over its
    buffer without copying it, so the peak memory is about one stream, not three (an Arrow buffer
    grown by doubling, then a copy into ``bytes``).
    """
    if isinstance(table, EncodedTable):
        return table.payload
    sink = io.BytesIO()
    with pa.ipc.new_stream(pa.PythonFile(sink, mode="w"), table.schema, options=_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue()


def decode_table(payload: bytes) -> pa.Table:
    """Read a table written by :func:`encode_table`."""
    return pa.ipc.open_stream(pa.py_buffer(payload)).read_all()


def combine_tables(tables: Sequence[pa.Table], columns: Sequence[str]) -> pa.Table:
    """Concatenate batches in order, keeping ``columns`` (absent ones filled with nulls, types promoted)."""
    if not tables:
        return pa.table({name: pa.array([], type=pa.null()) for name in columns})
    selected = []
    for table in tables:
        present = [name for name in columns if name in table.column_names]
        part = table.select(present)
        for name in columns:
            if name not in present:
                part = part.append_column(name, pa.nulls(part.num_rows))
        selected.append(part.select(list(columns)))
    return pa.concat_tables(selected, promote_options="permissive")
