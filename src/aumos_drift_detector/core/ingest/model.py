"""Reference data versions and windows of production rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class ReferenceDataset:
    """One version of a monitor's reference data, kept as a profile (raw rows are not stored).

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor it belongs to.
        version: 1 for the first upload, then increasing; old versions stay for past detections.
        rows: Rows in the upload.
        checksum: SHA-256 of the uploaded bytes.
        content_type: Media type of the upload.
        columns: Column names of the upload.
        profile: The serialised reference profile.
        uploaded_by: Subject of the uploader's token.
        created_at: Upload time.
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    version: int
    rows: int
    checksum: str
    content_type: str
    columns: list[str]
    profile: bytes
    uploaded_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ObservationWindow:
    """The production rows of a run's current window.

    Attributes:
        table: The rows, column-oriented (a pyarrow Table or anything the statistical engine reads).
        rows: Number of rows.
        batches: Number of stored batches they came from.
        oldest: Receipt time of the oldest batch used.
        newest: Receipt time of the newest batch used.
    """

    table: Any
    rows: int
    batches: int
    oldest: datetime | None
    newest: datetime | None
