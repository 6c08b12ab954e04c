"""Compact binary storage of row batches: Arrow IPC streams, zstd-compressed.

Encoding and decoding take a while for large batches; callers run them in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pyarrow as pa


def encode_table(table: pa.Table) -> bytes:
    """Serialise a table to a compressed Arrow IPC stream.

    The stream is written straight into a :class:`io.BytesIO`, whose ``getvalue`` hands over its
    buffer without copying it, so the peak memory is about one stream, not three (an Arrow buffer
    grown by doubling, then a copy into ``bytes``).
    """
    sink = io.BytesIO()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(pa.PythonFile(sink, mode="w"), table.schema, options=options) as writer:
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
