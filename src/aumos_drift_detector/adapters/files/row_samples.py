"""Row samples for the multivariate tests, in Arrow: kept while a reference is read, drawn from a window.

:class:`ArrowSampleWriter` follows the rows of an upload with a
:class:`~aumos_drift_detector.core.multivariate.ReservoirSample` of their positions (a seeded priority
sample: every row draws a uniform key, the smallest ``capacity`` keys stay) and keeps the Arrow rows
whose positions stay in it, so it holds at most ``capacity`` rows plus one batch at any time. The
sample is stored as a zstd-compressed Arrow IPC stream, the columns in their uploaded types
(embedding columns as list columns). :class:`ArrowSampleCodec` reads it back, and draws the same kind
of sample from a run's window, as core's :class:`~aumos_drift_detector.core.ingest.samples.MultivariateSample`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from aumos_drift_detector.adapters.files.embedding_columns import embedding_matrix
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.ingest.samples import MultivariateSample
from aumos_drift_detector.core.ingest.table import Table

if TYPE_CHECKING:  # the multivariate library loads scikit-learn: imported when a sample is first kept
    from aumos_drift_detector.core.multivariate import ReservoirSample

_OPTIONS: Final = pa.ipc.IpcWriteOptions(compression="zstd")


def _arrow(batch: pa.RecordBatch | pa.Table | Mapping[str, Any], columns: Sequence[str]) -> pa.Table:
    """The batch's columns as a table, dictionary-encoded columns decoded (batches may encode them differently)."""
    if isinstance(batch, pa.RecordBatch):
        table = pa.Table.from_batches([batch]).select(list(columns))
    elif isinstance(batch, pa.Table):
        table = batch.select(list(columns))
    else:
        table = pa.table({name: list(batch[name]) for name in columns})
    for index, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(index, field.name, table.column(index).cast(field.type.value_type))
    return table


class ArrowSampleWriter:
    """Keeps a seeded uniform sample of at most ``capacity`` rows of ``columns`` (a core ``SampleWriter``).

    Each batch contributes the rows whose positions entered the reservoir; rows evicted later are
    dropped when the parts kept hold twice the capacity, so each row is copied a bounded number of
    times however wide the table and however many batches come.

    Args:
        columns: The columns to keep.
        capacity: The most rows kept.
        seed: Seeds the rows' keys.
    """

    def __init__(self, columns: Sequence[str], *, capacity: int, seed: int) -> None:
        self._columns, self._capacity, self._seed = list(columns), capacity, seed
        self._reservoir: ReservoirSample | None = None
        self._parts: list[tuple[pa.Table, npt.NDArray[np.float64]]] = []
        self._rng = np.random.default_rng(seed)

    def start(self, names: Sequence[str]) -> bool:
        """Forget the rows taken so far; whether batches with these columns hold the ones to keep."""
        from aumos_drift_detector.core.multivariate import ReservoirSample

        self._rng = np.random.default_rng(self._seed)
        self._reservoir = ReservoirSample.empty(self._capacity, width=1)
        self._parts = []
        return set(self._columns) <= set(names)

    def add(self, batch: pa.RecordBatch | pa.Table | Mapping[str, Any]) -> None:
        """Offer the batch's rows to the sample."""
        if self._reservoir is None:
            self.start(self._columns)
        reservoir = self._reservoir
        assert reservoir is not None  # set by start
        part = _arrow(batch, self._columns)
        positions = np.arange(reservoir.seen, reservoir.seen + part.num_rows, dtype=np.float64)
        self._reservoir = reservoir.add(positions.reshape(-1, 1), self._rng)
        entered = np.isin(positions, self._reservoir.rows[:, 0])
        if entered.any():
            self._parts.append((part.filter(pa.array(entered)), positions[entered]))
        if sum(len(kept) for _, kept in self._parts) > 2 * self._capacity:
            self._parts = [self._kept()]

    def _kept(self) -> tuple[pa.Table, npt.NDArray[np.float64]]:
        """The rows still in the reservoir, in the order they came, as one part."""
        assert self._reservoir is not None
        if not self._parts:
            return pa.table({name: pa.nulls(0) for name in self._columns}), np.empty(0)
        table = pa.concat_tables([table for table, _ in self._parts], promote_options="permissive")
        positions = np.concatenate([kept for _, kept in self._parts])
        keep = np.isin(positions, self._reservoir.rows[:, 0])
        return table.filter(pa.array(keep)), positions[keep]

    def finish(self) -> bytes:
        """The sample as a compressed Arrow IPC stream, in the order the rows came."""
        if self._reservoir is None:
            self.start(self._columns)
        table, _ = self._kept()
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema, options=_OPTIONS) as stream:
            stream.write_table(table)
        return bytes(sink.getvalue())


def _values(table: pa.Table, name: str) -> npt.NDArray[Any]:
    column = table.column(name)
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.asarray(column.to_numpy(zero_copy_only=False))


def _sample(table: pa.Table, columns: Sequence[str], embeddings: Sequence[str], what: str) -> MultivariateSample:
    missing = [name for name in [*columns, *embeddings] if name not in table.column_names]
    if missing:
        raise ValidationError(f"the {what} has no column {missing[0]!r}", details={"column": missing[0]})
    return MultivariateSample(
        columns={name: _values(table, name) for name in columns},
        embeddings={name: embedding_matrix(table, name, name=what) for name in embeddings},
        rows=table.num_rows,
    )


class ArrowSampleCodec:
    """Samples of rows in Arrow (a core ``SampleCodec``)."""

    def writer(self, columns: Sequence[str], *, capacity: int, seed: int) -> ArrowSampleWriter:
        """A writer keeping at most ``capacity`` rows of ``columns``."""
        return ArrowSampleWriter(columns, capacity=capacity, seed=seed)

    def read(self, payload: bytes, *, columns: Sequence[str], embeddings: Sequence[str]) -> MultivariateSample:
        """A stored sample's columns and embedding matrices.

        Raises:
            ValidationError: A column is not in the sample, or an embedding column is unusable.
        """
        table = pa.ipc.open_stream(pa.py_buffer(payload)).read_all()
        return _sample(table, columns, embeddings, "reference sample")

    def draw(
        self, table: Table, *, columns: Sequence[str], embeddings: Sequence[str], capacity: int, seed: int
    ) -> MultivariateSample:
        """A seeded uniform sample of at most ``capacity`` rows of a window, in their order.

        Raises:
            ValidationError: A column is missing, or an embedding column is unusable.
        """
        names = [*columns, *embeddings]
        missing = [name for name in names if name not in table.column_names]
        if missing:
            raise ValidationError(f"the current window has no column {missing[0]!r}", details={"column": missing[0]})
        selected = table.select(names)
        arrow = selected if isinstance(selected, pa.Table) else pa.table(selected.to_pydict())
        if arrow.num_rows > capacity:
            chosen = np.sort(np.random.default_rng(seed).choice(arrow.num_rows, capacity, replace=False))
            arrow = arrow.take(pa.array(chosen))
        return _sample(arrow, columns, embeddings, "current window")
