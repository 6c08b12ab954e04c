"""Ports of monitor data: reference versions and production batches."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeAlias

from aumos_drift_detector.core.ingest.model import ObservationWindow, ReceivedBatch, ReferenceDataset, ReferenceInfo
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.ingest.upload import BatchConsumer


class TableWriter(BatchConsumer, Protocol):
    """Gathers the batches of an upload into the table an :class:`ObservationRepository` stores.

    It keeps only its columns, in the form storage wants (a repository may then store it as it is).
    """

    def finish(self) -> Table:
        """The table of the batches taken (blocking: run it in a worker thread)."""
        ...


#: Makes the writer of one batch of observations, given the columns to keep.
TableWriterFactory: TypeAlias = Callable[[Sequence[str]], TableWriter]


class ReferenceRepository(Protocol):
    """Stores versions of reference data (as profiles)."""

    async def add(self, reference: ReferenceDataset) -> None:
        """Stage a new version."""
        ...

    async def latest(self, tenant_id: str, monitor_id: uuid.UUID) -> ReferenceDataset | None:
        """Return the newest version, if any."""
        ...

    async def latest_version(self, tenant_id: str, monitor_id: uuid.UUID) -> int | None:
        """Return the number of the newest version, if any (without reading its profile)."""
        ...

    async def latest_info(self, tenant_id: str, monitor_id: uuid.UUID) -> ReferenceInfo | None:
        """Return the newest version's number, creation time and rolling window, if any (without its profile)."""
        ...

    async def get_version(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> ReferenceDataset:
        """Return one version; raise ``NotFoundError`` if absent."""
        ...


class ObservationRepository(Protocol):
    """Stores batches of production rows durably, shared by every replica."""

    async def add_batch(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        table: Table,
        *,
        idempotency_key: str | None,
        digest: str,
        received_at: datetime,
        batch_id: uuid.UUID | None = None,
    ) -> bool:
        """Stage a batch (under ``batch_id`` or a new id); ``False``, staging nothing, if the key was used for it.

        Raises:
            ConflictError: The key was used for a batch with another digest.
        """
        ...

    async def load_window(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        *,
        columns: Sequence[str],
        last_rows: int | None,
        since: datetime | None,
    ) -> ObservationWindow:
        """Return the newest rows: at most ``last_rows``, received at or after ``since``."""
        ...

    async def received_rows(
        self, tenant_id: str, monitor_id: uuid.UUID, *, since: datetime | None, until: datetime | None
    ) -> int:
        """Count the rows of the batches received at or after ``since`` and before ``until`` (``None``: open)."""
        ...

    async def received_batches(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        *,
        columns: Sequence[str],
        since: datetime | None,
        until: datetime | None,
    ) -> list[ReceivedBatch]:
        """The batches received at or after ``since`` and before ``until``, oldest first, with their receipt times.

        Each batch holds ``columns`` in that order; a column it was stored without is all missing.
        """
        ...

    async def received_batch_ids(
        self, tenant_id: str, monitor_id: uuid.UUID, *, since: datetime | None, until: datetime | None
    ) -> list[uuid.UUID]:
        """The ids of the batches received at or after ``since`` and before ``until``, oldest first."""
        ...

    async def batches_by_id(
        self, tenant_id: str, monitor_id: uuid.UUID, ids: Sequence[uuid.UUID], *, columns: Sequence[str]
    ) -> list[ReceivedBatch]:
        """The stored batches with these ids (those still kept), oldest first, each with its id and ``columns``."""
        ...

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete batches received before ``cutoff``; return how many."""
        ...
