"""Reference data versions and windows of production rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

import numpy as np

from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.ingest.upload import BatchConsumer, ColumnFacts, ScannedTable
from aumos_drift_detector.core.statistical.columns import ColumnSource, as_columns

#: The media type recorded for a rolling version: it was read from the monitor's stored observation batches.
ROLLING_CONTENT_TYPE: Final[str] = "application/vnd.aumos.observation-batches"


class ReferenceKind(StrEnum):
    """Where a reference version's rows came from."""

    UPLOAD = "upload"
    ROLLING = "rolling"


@dataclass(frozen=True, slots=True)
class SourceWindow:
    """The past window of the monitor's own observations a rolling reference version was built from.

    Attributes:
        start: Observations received at or after this time were used...
        end: ...up to, not including, this time.
    """

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class ReferenceInfo:
    """What a run needs to know of a version to decide whether to rebuild a rolling reference.

    Attributes:
        version: The version's number.
        created_at: When it was stored (for a rolling version, the run it was built for).
        window: Its window of observations, for a rolling version; ``None`` for an upload.
        columns: Its column names.
    """

    version: int
    created_at: datetime
    window: SourceWindow | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceDataset:
    """One version of a monitor's reference data, kept as a profile (raw rows are not stored).

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor it belongs to.
        version: 1 for the first upload, then increasing; old versions stay for past detections.
        rows: Rows in the upload (or in the rolling window).
        checksum: SHA-256 of the uploaded bytes (of the profile, for a rolling version).
        content_type: Media type of the upload (:data:`ROLLING_CONTENT_TYPE` for a rolling version).
        columns: Column names of the upload.
        profile: The serialised reference profile.
        uploaded_by: Subject of the uploader's token.
        created_at: Upload time.
        sample: A bounded uniform sample of the monitored and embedding columns' rows, in the sample
            codec's stored form (:mod:`.samples`); ``None`` for versions uploaded before samples were kept.
        window: For a rolling version, the window of observations it was built from; ``None`` for an upload.
        segments: The per-segment profiles (:mod:`.segment_profiles`, stored form) of a monitor with
            segments; ``None`` for versions built without them.
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    version: int
    rows: int
    checksum: str
    content_type: str
    columns: tuple[str, ...]
    profile: bytes
    uploaded_by: str
    created_at: datetime
    sample: bytes | None = None
    window: SourceWindow | None = None
    segments: bytes | None = None

    @property
    def info(self) -> ReferenceInfo:
        """The version's number, creation time, window and columns."""
        return ReferenceInfo(self.version, self.created_at, self.window, self.columns)

    @property
    def kind(self) -> ReferenceKind:
        """Whether the version was uploaded or built from the monitor's own observations."""
        return ReferenceKind.UPLOAD if self.window is None else ReferenceKind.ROLLING


@dataclass(frozen=True, slots=True)
class ObservationWindow:
    """The production rows of a run's current window.

    Attributes:
        table: The rows, column-oriented.
        rows: Number of rows.
        batches: Number of stored batches they came from.
        oldest: Receipt time of the oldest batch used.
        newest: Receipt time of the newest batch used.
    """

    table: Table
    rows: int
    batches: int
    oldest: datetime | None
    newest: datetime | None


@dataclass(frozen=True, slots=True)
class ReceivedBatch:
    """A batch of production rows as it arrived.

    Attributes:
        received_at: When the service received it.
        table: The rows.
        batch_id: The stored batch's id, when read from storage.
    """

    received_at: datetime
    table: Table
    batch_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Upload:
    """An upload already parsed into a table in memory (an :class:`~.upload.UploadedTable`).

    Attributes:
        table: The rows, column-oriented.
        rows: Number of rows.
        content_type: Media type it arrived as.
        checksum: SHA-256 of the raw bytes.
        missing_values: Missing values counted per column (only columns that have some).
    """

    table: Table
    rows: int
    content_type: str
    checksum: str
    missing_values: Mapping[str, int] = field(default_factory=dict)

    def scan(self, consumer: BatchConsumer) -> ScannedTable:
        """Hand the whole table to ``consumer`` as one batch."""
        source = as_columns(self.table)
        if consumer.start(source.names):
            consumer.add(self.table)
        return ScannedTable(self.rows, tuple(_facts(source, name) for name in source.names))


def _facts(source: ColumnSource, name: str) -> ColumnFacts:
    numeric = source.is_numeric(name)
    missing = int(np.isnan(source.numeric(name)).sum()) if numeric else source.category_counts(name).n_missing
    return ColumnFacts(name, numeric=numeric, boolean=source.is_boolean(name), missing=missing)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an observation batch did.

    Attributes:
        accepted_rows: Rows stored (0 for a repeated idempotency key).
        duplicate: The idempotency key had been used: nothing was stored again.
        ignored_columns: Columns in the batch that the monitor does not declare.
        missing_values: Missing values counted per column of the batch (only columns that have some).
    """

    accepted_rows: int
    duplicate: bool
    ignored_columns: tuple[str, ...]
    missing_values: Mapping[str, int] = field(default_factory=dict)
