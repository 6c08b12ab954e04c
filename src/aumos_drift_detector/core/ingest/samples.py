"""The port of row samples for the multivariate tests: kept with a reference, drawn from a window.

A reference upload is read once, batch by batch, and not stored raw; the multivariate tests need rows.
So while the reference is profiled, a :class:`SampleWriter` keeps a bounded, seeded uniform sample of
its monitored and embedding columns (reservoir sampling), stored with the reference version. A run
reads it back, and draws a sample of the same bound from its current window, as a
:class:`MultivariateSample`: the columns as NumPy arrays and each embedding column as a matrix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.ingest.upload import BatchConsumer
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.multivariate import DEFAULT_SAMPLE_SIZE

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MultivariateSample:
    """Rows for the multivariate tests.

    Attributes:
        columns: Each tabular column's values (numbers as float64 with NaN, labels as objects).
        embeddings: Each embedding column's vectors, one row per sampled row.
        rows: Number of rows.
    """

    columns: Mapping[str, npt.NDArray[Any]]
    embeddings: Mapping[str, FloatArray]
    rows: int


class SampleWriter(BatchConsumer, Protocol):
    """Keeps a bounded uniform sample of the batches it takes."""

    def finish(self) -> bytes:
        """The sample in its stored form (blocking: run it in a worker thread)."""
        ...


class SampleCodec(Protocol):
    """Makes, reads and draws samples of rows (an adapter knows the table format)."""

    def writer(self, columns: Sequence[str], *, capacity: int, seed: int) -> SampleWriter:
        """A writer keeping at most ``capacity`` rows of ``columns``, seeded with ``seed``."""
        ...

    def read(self, payload: bytes, *, columns: Sequence[str], embeddings: Sequence[str]) -> MultivariateSample:
        """A stored sample's tabular ``columns`` and ``embeddings`` (blocking).

        Raises:
            ValidationError: A column is not in the sample, or an embedding column holds no usable vectors.
        """
        ...

    def draw(
        self, table: Table, *, columns: Sequence[str], embeddings: Sequence[str], capacity: int, seed: int
    ) -> MultivariateSample:
        """A seeded uniform sample of at most ``capacity`` rows of a table (blocking).

        Raises:
            ValidationError: A column is missing, or an embedding column holds no usable vectors.
        """
        ...


def reference_sample_writer(codec: SampleCodec | None, monitor: Monitor) -> SampleWriter | None:
    """The writer of the row sample kept with a reference version of ``monitor`` (none without a codec).

    It keeps the monitored and embedding columns, as many rows as the monitor's multivariate option
    takes (the default sample size without one), seeded with its seed.
    """
    if codec is None:
        return None
    config = monitor.multivariate
    return codec.writer(
        [*monitor.feature_names, *monitor.embedding_names],
        capacity=config.sample_size if config else DEFAULT_SAMPLE_SIZE,
        seed=config.seed if config else 0,
    )
